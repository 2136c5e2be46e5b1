// splitScript: q's script-loading rules, applied on the client.

#include "scriptsplitter.h"

namespace qscope::detail {

namespace {

QByteArray stripTrailingComment(const QByteArray &line)
{
    bool inString = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (c == '\\')
                ++i; // escaped character inside a string
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '/' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
            return line.left(i);
    }
    return line;
}

bool isOnly(const QByteArray &line, char c)
{
    const QByteArray t = line.trimmed();
    return t.size() == 1 && t[0] == c && line[0] == c;
}

} // namespace

QList<ScriptStatement> splitScript(const QByteArray &source)
{
    QList<ScriptStatement> out;
    const QList<QByteArray> lines = source.split('\n');
    bool inBlockComment = false;
    ScriptStatement current;
    auto finish = [&] {
        const QByteArray t = current.text.trimmed();
        if (!t.isEmpty()) out.append({current.line, t});
        current = ScriptStatement{};
    };
    for (int n = 0; n < lines.size(); ++n) {
        QByteArray line = lines[n];
        if (line.endsWith('\r')) line.chop(1);
        if (inBlockComment) {
            if (isOnly(line, '\\')) inBlockComment = false;
            continue;
        }
        if (line.trimmed().isEmpty()) continue;
        if (isOnly(line, '/')) {
            finish();
            inBlockComment = true;
            continue;
        }
        if (isOnly(line, '\\')) break; // the rest of the file is not q
        if (line[0] == '/') continue;  // comment line
        const bool continuation = line[0] == ' ' || line[0] == '\t';
        // System commands (\d, \l) are never continued or stripped.
        const bool system = line[0] == '\\';
        if (!system) line = stripTrailingComment(line);
        if (continuation && !current.text.isEmpty()) {
            current.text += ' ' + line.trimmed();
            continue;
        }
        finish();
        current.line = n + 1;
        current.text = line;
    }
    finish();
    return out;
}

} // namespace qscope::detail
