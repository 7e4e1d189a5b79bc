show devices
show device 0
port config 0 queues 2
as create tenant-a
as map tenant-a 1M
queue setup 0 0 tenant-a desc 64
show device 0
dump 0
quit
