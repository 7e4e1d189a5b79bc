# queue 0 (PASID 1, as0) tries to write into a page only as1 maps
isolation 0 0 1
show stats
as show
quit
