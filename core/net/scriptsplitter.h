#pragma once
/// Cutting a q script into the statements q's own loader (\l) would run, for executeFile.
///
/// PyKX's file_execute sends the file's lines to the server in one sync call and has the
/// server's k loader evaluate them; that needs the loader function on the server side. qscope
/// instead applies the loader's rules here and sends each statement as its own sync query,
/// one after another, stopping at the first error (as \l does) so the error names its line.
/// The rules are q's statement rules of protocol/qstatements.h, the same the editor runs by.

#include <QByteArray>
#include <QList>

namespace qscope::detail {

struct ScriptStatement
{
    int line = 0; ///< 1-based line where the statement starts
    QByteArray text;
};

QList<ScriptStatement> splitScript(const QByteArray &source);

} // namespace qscope::detail
