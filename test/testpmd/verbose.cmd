# -v: the library's lines for C programmers too
pasid free 0 1
quit
