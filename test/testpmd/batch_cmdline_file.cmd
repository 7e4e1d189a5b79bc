# no quit: the end of the file ends the run (no -i), with the full teardown
port config 0 queues 1
as create x
as map x 1M
queue setup 0 0 x
show device 0
