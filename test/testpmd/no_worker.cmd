start
show stats
quit
