# shrinking (or any re-configure) with set-up queues releases them: refused
# without force, done with it, and what is released is named
port config 0 queues 3
show device 0
port config 0 queues 3 force
show device 0
quit
