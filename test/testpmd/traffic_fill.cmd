# four queues, four address spaces, four PASIDs; traffic in mode fill
set mode fill
set size 2048
set burst 16
start
sleep 1
show stats
sleep 0.5
show stats
stop
show device 0
pasid list 0
quit
