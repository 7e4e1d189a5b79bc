help
quit
