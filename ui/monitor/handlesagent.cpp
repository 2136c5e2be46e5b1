#include "handlesagent.h"

namespace qscope {

QByteArray HandlesAgent::installCode()
{
    // One statement per line; each is plain q that runs on an unmodified kdb+ 3.5+.
    return QByteArrayLiteral(
        "/ qscope agent: chains .z.po .z.pc .z.pg .z.ps; keeps .qscope.track; pushes changes\n"
        ".qscope.had:`po`pc`pg`ps!`po`pc`pg`ps in key`.z;\n"
        ".qscope.old:`po`pc`pg`ps!(@[value;`.z.po;{{[x]}}];@[value;`.z.pc;{{[x]}}];"
        "@[value;`.z.pg;{value}];@[value;`.z.ps;{value}]);\n"
        ".qscope.track:([handle:`int$()]ip:`int$();user:`symbol$();opened:`timestamp$();"
        "closed:`timestamp$();sync:`long$();async:`long$());\n"
        ".qscope.watchers:`int$();\n"
        ".qscope.push:{[h].qscope.watchers:.qscope.watchers inter key .z.W;"
        "{[w;h;r]neg[w](`.qscope.upd;h;r)}[;h;.qscope.track h]each .qscope.watchers;};\n"
        ".z.po:{[x]`.qscope.track upsert(x;.z.a;.z.u;.z.p;0Np;0;0);.qscope.push x;"
        ".qscope.old[`po]x};\n"
        ".z.pc:{[x]update closed:.z.p from`.qscope.track where handle=x;.qscope.push x;"
        ".qscope.old[`pc]x};\n"
        ".z.pg:{[x]update sync:sync+1 from`.qscope.track where handle=.z.w;.qscope.old[`pg]x};\n"
        ".z.ps:{[x]update async:async+1 from`.qscope.track where handle=.z.w;"
        ".qscope.old[`ps]x};\n"
        "`.qscope.track upsert([]handle:key .z.W;ip:0Ni;user:`;opened:0Np;closed:0Np;sync:0;"
        "async:0);\n"
        "update ip:.z.a,user:.z.u from`.qscope.track where handle=.z.w;\n"
        ".qscope.watchers,:.z.w;\n");
}

QByteArray HandlesAgent::uninstallCode()
{
    return QByteArrayLiteral(
        "/ qscope agent removal: restore the handlers it chained, then drop .qscope\n"
        "{$[.qscope.had x;@[`.z;x;:;.qscope.old x];system\"x .z.\",string x]}each`po`pc`pg`ps;\n"
        "delete qscope from`.;\n");
}

QList<QByteArray> HandlesAgent::statements(const QByteArray &code)
{
    QList<QByteArray> out;
    for (const QByteArray &line : code.split('\n')) {
        const QByteArray t = line.trimmed();
        if (!t.isEmpty() && !t.startsWith('/')) out << t;
    }
    return out;
}

QByteArray HandlesAgent::probeCode()
{
    return QByteArrayLiteral("`qscope in key`");
}

QByteArray HandlesAgent::closeHandleCode(int handle)
{
    const QByteArray h = QByteArray::number(handle) + 'i';
    return "hclose " + h + ";if[`pc in key`.z;.z.pc " + h + "];";
}

} // namespace qscope
