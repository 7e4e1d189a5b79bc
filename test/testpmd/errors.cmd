# every line but the last few is wrong; the session must go on
frobnicate
show device abc
show device 7
show device
port config 0 queues 99
port config 0 queues 2
as create a
as create a
as create bad/name
queue setup 0 5 a
queue setup 0 0 nosuch
queue setup 9 0 a
queue setup 0 0 a pasid 2000000
pasid alloc 0 2000000
pasid alloc 0 0
pasid free 0 12
as map a 64K
as map a lots
as unmap a 0x1234
as unmap nosuch 0x1000
as show nosuch
set mode bogus
set burst 0
set size 0
stop
queue setup 0 0 a
as destroy a
isolation 0 0 0
isolation 0 0 1
dump 3
sleep x
show devices
quit
