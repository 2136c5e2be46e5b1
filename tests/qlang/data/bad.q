a:1
b:{x+
  1}
c:a+`x
d:2
