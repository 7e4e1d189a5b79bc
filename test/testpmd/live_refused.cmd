# what as replace, as demand and as map ... at refuse, and why
as create other
as replace 0 9 other
as replace 0 0 nosuch
as replace 0 0 as0
as demand as1 64K
as demand other 64K
as demand other 64K
as map other 4K at 0x1001
as map other 4K at 0x40000000
as map other 4K at 0x40000000
show fault stats
quit
