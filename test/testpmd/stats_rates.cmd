# rates count from the start (not from a 'clear stats' made before an idle
# gap), the summary keeps the mode of the run, a JSON line has exact numbers
clear stats
sleep 1.5
start
set mode fill
sleep 0.5
show stats json
show stats
stop
show stats
quit
