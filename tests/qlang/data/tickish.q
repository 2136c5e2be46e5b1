/ A script shaped like kdb-tick's tick.q and u.q, written by the rules of
/ code.kx.com/q/learn/tour/scripts/ and code.kx.com/q/basics/syscmds/.
/
  A comment block: nothing in it runs, brackets { ( [ included.
  boom:1+`a
\
\d .u
/ under \d .u these are .u.i, .u.j, .u.init, .u.add and .u.w
i:0
j:0
init:{w::t!(count t::`trade`quote)#()}
add:{[t;h]
  w[t],:h;
  count w t}
\d .
trade:([]time:`timespan$();sym:`symbol$();price:`float$())
total:{
  sum trade`price
  }
 / an indented comment line inside no statement
.u.init[]
\
A lone backslash ended the script: this is not q and never runs.
after:1
