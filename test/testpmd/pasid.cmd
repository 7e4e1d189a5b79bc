# PASIDs allocated by hand, then given to a queue
pasid list 0
pasid alloc 0
pasid alloc 0 77
pasid alloc 0 77
pasid list 0
port config 0 queues 2
as create a
queue setup 0 0 a pasid 77
queue setup 0 1 a
pasid list 0
show device 0
pasid free 0 77
queue release 0 0
pasid list 0
pasid free 0 77
pasid free 0 1
pasid list 0
# the top of the 20-bit space: reserved, nothing else taken on the way
pasid alloc 0 1048575
pasid list 0
pasid free 0 1048575
quit
