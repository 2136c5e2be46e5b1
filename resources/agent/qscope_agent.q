/ qscope_agent.q: tells qscope's estate view who subscribes to whom in a kdb-tick plant.
/ Load it into every process of the plant after tick.q / r.q (\l qscope_agent.q at the end
/ of the process's script): it keeps the .z.pc and .z.ps they set and calls them, while a
/ script that sets them after it would replace its own. Plain q for kdb+ 3.x and 4.x; safe to
/ load twice.

/ - A publisher (a tickerplant: it has .u.w) keeps .qscope.peers, the subscribers that
/   announced themselves: ([handle] host; port), handle as in its .u.w, port the one the
/   subscriber listens on (system"p"; 0 when it does not listen).
/ - A subscriber (r.q keeps its tickerplant's address in .u.x) announces itself to each
/   publisher when the first update arrives from it: r.q keeps no handle to its tickerplant,
/   the handle is .z.w of that update. The announcement is (`.qscope.hello;system"p").
/ - A closed handle leaves .qscope.peers. Handlers already defined for .z.pc and .z.ps keep
/   running: the agent calls them, it never replaces them.

/ the subscribers a publisher knows (kept when the agent is loaded again)
.qscope.peers:@[value;`.qscope.peers;([handle:`int$()] host:`symbol$(); port:`int$())]
/ the publishers this process has announced itself to
.qscope.told:@[value;`.qscope.told;`int$()]
/ the handlers that were there before the agent (the first load keeps them; q's defaults if none)
.qscope.pc0:@[value;`.qscope.pc0;{@[value;`.z.pc;{{[h]}}]}]
.qscope.ps0:@[value;`.qscope.ps0;{@[value;`.z.ps;{value}]}]

/ publisher: a subscriber says hello over its subscription's handle
.qscope.hello:{[p]
  .qscope.peers,:([handle:enlist .z.w] host:enlist`$"."sv string"i"$0x0 vs .z.a; port:enlist`int$p)}

/ subscriber: the first update from a publisher's handle h: say hello, once per handle
.qscope.tell:{[h]
  if[not h in .qscope.told; .qscope.told,:h; (neg h)(`.qscope.hello;system"p")]}

/ async messages: an update (upd;table;data) names its publisher; then what ran before
.z.ps:{[x] if[`upd~first x; .qscope.tell .z.w]; .qscope.ps0 x}

/ a closed handle is no longer a peer nor a publisher told; then what ran before
.z.pc:{[h]
  .qscope.peers:select from .qscope.peers where handle<>h;
  .qscope.told:.qscope.told except h;
  .qscope.pc0 h}
