#pragma once
/// The optional server-side agent: q that chains (never replaces) .z.po/.z.pc/.z.pg/.z.ps in its
/// own namespace .qscope, keeps a trackConnections-like table .qscope.track (ip, user, open and
/// close times, sync and async request counts) and pushes each change to the watching handles
/// with neg[h](`.qscope.upd;handle;row). Uninstall restores the previous handlers (or removes
/// the ones that were not defined) and deletes the namespace. The text is shown to the user in
/// full before anything runs.

#include <QByteArray>
#include <QList>

namespace qscope {

class HandlesAgent
{
public:
    /// Statements one per line (comment lines start with /); run them one query at a time.
    static QByteArray installCode();
    /// Non-comment lines of code, in order.
    static QList<QByteArray> statements(const QByteArray &code);
    static QByteArray uninstallCode();
    /// Is the agent there? (plain q; 1b/0b)
    static QByteArray probeCode();
    static QByteArray trackQuery() { return ".qscope.track"; }
    /// hclose h, then the .z.pc call kdb+ skips when the server itself closes a handle.
    static QByteArray closeHandleCode(int handle);
    /// The function name the agent pushes with.
    static QByteArray pushFunction() { return ".qscope.upd"; }
};

} // namespace qscope
