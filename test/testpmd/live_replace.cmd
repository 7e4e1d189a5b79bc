# issue 14 item 5: live changes under traffic on four PASID queues (SIMULATED DSA)
# queue 3 works on a demand-paged space: its first touch of each page faults
as create paged
as demand paged 256K
queue release 0 3
queue setup 0 3 paged
as create spare
set mode verify
set size 4096
set burst 16
start
sleep 0.3
# queue 0 moves to a space of its own while all four run
as replace 0 0 spare
as show spare
# map and unmap in queue 1's space while it runs; its own buffer stays
as map as1 64K at 0x40000000
as show as1
sleep 0.1
as unmap as1 0x40000000
as show as1
sleep 0.1
show fault stats
# back to the first space
as replace 0 0 as0
sleep 0.2
show stats
stop
show fault stats
as show paged
show device 0
quit
