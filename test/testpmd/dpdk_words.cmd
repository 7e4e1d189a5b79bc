# dpdk-testpmd's words: the ones that mean the same here work, the others
# answer "did you mean", a wrong command shows its syntax
set fwd verify
show port info 0
show port stats all
set fwd io
show port xstats all
exit
stpo
show device
show
queue setup 0
quit
