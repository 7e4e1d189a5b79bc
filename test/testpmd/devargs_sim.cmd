show device 0
port config 0 queues 3
quit
