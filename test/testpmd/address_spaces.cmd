as show
as create red
as create blue
as map red 64K
as map red 2M
as map blue 4096
as show
as show red
port config 0 queues 1
queue setup 0 0 blue
as show blue
as destroy blue
queue release 0 0
as destroy blue
as show
quit
