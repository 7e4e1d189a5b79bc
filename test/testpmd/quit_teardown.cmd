# quit while traffic runs (started by --cmdline-file's start): the full teardown
start
sleep 0.3
quit
show devices
