# ranges come from the device (simulated DSA: 8 queues, rings 16..4096,
# 20-bit PASIDs); a held PASID names its queue; no C function at the prompt
port config 0 queues 9
port config 0 queues 2
as create a
as map a 1M
queue setup 0 0 a pasid 0
queue setup 0 0 a pasid 77
queue setup 0 1 a pasid 77
queue setup 0 1 a desc 0x10000
queue setup 0 1 a desc 100
queue setup 0 9 a
pasid alloc 0 2000000
pasid alloc 0 77
pasid free 0 77
quit
