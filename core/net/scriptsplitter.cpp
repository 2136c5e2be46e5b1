// splitScript: q's script-loading rules (protocol/qstatements.h), numbered for error messages.

#include "scriptsplitter.h"

#include "protocol/qstatements.h"

namespace qscope::detail {

QList<ScriptStatement> splitScript(const QByteArray &source)
{
    QList<ScriptStatement> out;
    for (const QStatement &s : qStatements(source))
        out.append(ScriptStatement{s.firstLine + 1, s.text});
    return out;
}

} // namespace qscope::detail
