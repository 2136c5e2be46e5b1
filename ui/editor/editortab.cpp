#include "editor/editortab.h"

#include "editor/namecatalog.h"
#include "editor/qlexer.h"
#include "editor/servernames.h"
#include "theme/theme.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <algorithm>

#include <Qsci/qscicommand.h>
#include <Qsci/qscicommandset.h>

namespace qscope {

namespace {

/// Chords taken from every editor's command set (EditorTab::reserveKeys).
QList<int> &reservedKeys()
{
    static QList<int> keys;
    return keys;
}

/// The document's bytes without a copy (Scintilla closes its gap for it). Valid until the next
/// edit.
QByteArray documentBytes(const QsciScintillaBase *ed)
{
    const auto *p = static_cast<const char *>(
        ed->SendScintillaPtrResult(QsciScintillaBase::SCI_GETCHARACTERPOINTER));
    const long length = ed->SendScintilla(QsciScintillaBase::SCI_GETLENGTH);
    return QByteArray::fromRawData(p, p ? qsizetype(length) : 0);
}

/// A line's text without its terminator.
QString lineText(const QsciScintilla *ed, int line)
{
    QString t = ed->text(line);
    while (t.endsWith(u'\n') || t.endsWith(u'\r'))
        t.chop(1);
    return t;
}

/// Characters of a q name (with its namespace: .u.upd).
bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

/// At most this many names in the list: more is no help to a reader and costs time.
constexpr int kMaxCompletions = 200;

/// Net brackets a line opens (negative if it closes more), outside strings and comments.
int bracketDelta(const QByteArray &line)
{
    QScriptState s;
    const int base = 1 << 20; // so that closers count below the line's start
    s.openBrackets = base;
    qScanCode(line, &s);
    return s.openBrackets - base;
}

} // namespace

EditorTab::EditorTab(QLexer *areaLexer, QWidget *parent)
    : QsciScintilla(parent), m_lexer(new QLexer(this)),
      m_tabId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    Q_UNUSED(areaLexer)
    setUtf8(true);
    setLexer(m_lexer);
    // Scintilla's auto-indent copies the previous line's indent, which in q joins the next line
    // to the statement above; indentNewLine indents by q's rules instead.
    setAutoIndent(false);
    setIndentationsUseTabs(false);
    setTabWidth(2);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setCaretLineVisible(true);
    setMarginType(0, QsciScintilla::NumberMargin);
    // completion is this tab's own (complete()): QScintilla's would mix every server's names
    setAutoCompletionSource(QsciScintilla::AcsNone);
    setCallTipsStyle(QsciScintilla::CallTipsNone);
    SendScintilla(SCI_AUTOCSETIGNORECASE, 0);
    SendScintilla(SCI_AUTOCSETORDER, SC_ORDER_PRESORTED);
    SendScintilla(SCI_AUTOCSETAUTOHIDE, 1);
    SendScintilla(SCI_AUTOCSETCANCELATSTART, 1);
    setEolMode(QsciScintilla::EolUnix);
    // A horizontal scroll bar only once a line is wider than the editor (Scintilla's default
    // reserves 2,000 px and shows one on an empty tab).
    SendScintilla(SCI_SETSCROLLWIDTH, 1);
    SendScintilla(SCI_SETSCROLLWIDTHTRACKING, 1);
    applyTheme();
    releaseReservedKeys();
    connect(this, &QsciScintilla::linesChanged, this, [this] {
        setMarginWidth(0, QStringLiteral("0") + QString::number(lines()) + QStringLiteral("0"));
    });
    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &EditorTab::onCharAdded);
    setMarginWidth(0, QStringLiteral("0000"));
}

void EditorTab::applyTheme()
{
    const Theme::EditorColors c = Theme::editorColors();
    setPaper(c.paper);
    setColor(c.text);
    setCaretForegroundColor(c.text);
    setCaretLineBackgroundColor(c.caretLine);
    setMarginsBackgroundColor(c.margin);
    setMarginsForegroundColor(c.marginText);
    setSelectionBackgroundColor(c.selection);
    setMatchedBraceBackgroundColor(c.selection);
    setMarginsFont(QsciScintilla::font());
    m_lexer->applyTheme();
}

void EditorTab::reserveKeys(const QList<QAction *> &actions)
{
    for (const QAction *a : actions)
        for (const QKeySequence &k : a->shortcuts())
            if (k.count() == 1 && !reservedKeys().contains(k[0].toCombined()))
                reservedKeys().append(k[0].toCombined());
    for (QWidget *w : QApplication::allWidgets())
        if (auto *tab = qobject_cast<EditorTab *>(w)) tab->releaseReservedKeys();
}

void EditorTab::releaseReservedKeys()
{
    const QList<int> &keys = reservedKeys();
    for (QsciCommand *c : standardCommands()->commands()) {
        if (c->key() && keys.contains(c->key())) c->setKey(0);
        if (c->alternateKey() && keys.contains(c->alternateKey())) c->setAlternateKey(0);
    }
}

void EditorTab::setProfileId(const QString &id)
{
    if (id == m_profileId) return;
    m_profileId = id;
    Q_EMIT profileChanged(id);
}

QString EditorTab::displayName() const
{
    return m_filePath.isEmpty() ? m_untitled : QFileInfo(m_filePath).fileName();
}

QString EditorTab::loadFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return tr("Cannot open %1: %2").arg(path, f.errorString());
    if (f.size() > (256 << 20))
        return tr("%1 is over 256 MiB; open it with a file viewer instead").arg(path);
    setText(QString::fromUtf8(f.readAll()));
    m_filePath = QFileInfo(path).absoluteFilePath();
    setModified(false);
    return {};
}

QString EditorTab::saveFile(const QString &path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return tr("Cannot save %1: %2").arg(path, f.errorString());
    f.write(text().toUtf8());
    if (!f.commit()) return tr("Cannot save %1: %2").arg(path, f.errorString());
    m_filePath = QFileInfo(path).absoluteFilePath();
    setModified(false);
    return {};
}

bool EditorTab::hasLiveSelection() const
{
    return SendScintilla(SCI_GETSELECTIONEMPTY) == 0;
}

std::optional<QStatement> EditorTab::statementAtCursor() const
{
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    const int line = int(SendScintilla(SCI_LINEFROMPOSITION, pos));
    std::optional<QStatement> s = qStatementAt(documentBytes(this), line);
    // own the bytes: a statement that is the whole line may still view the document's buffer,
    // which the next edit moves, and the runner keeps the text
    if (s) s->text = QByteArray(s->text.constData(), s->text.size());
    return s;
}

QByteArray EditorTab::currentStatement() const
{
    if (hasLiveSelection()) return selectedText().toUtf8();
    const std::optional<QStatement> s = statementAtCursor();
    return s ? s->text : QByteArray();
}

void EditorTab::indentNewLine()
{
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    const int line = int(SendScintilla(SCI_LINEFROMPOSITION, pos));
    if (line == 0) return;
    const long lineStart = SendScintilla(SCI_POSITIONFROMLINE, line);
    if (pos != lineStart) return; // not a plain newline (a paste, a completion)
    // The statement as q reads it up to the newline: only an open bracket makes the new line a
    // continuation whatever its indent; a string's newline is part of its text.
    const QScriptState st = qStateAfter(documentBytes(this).left(lineStart - 1));
    if (st.openBrackets == 0 || st.inString || st.inBlockComment || st.ended) return;
    const int prev = line - 1;
    const int delta = bracketDelta(lineText(this, prev).toUtf8());
    const int step = tabWidth();
    int indent = int(SendScintilla(SCI_GETLINEINDENTATION, prev));
    indent += delta > 0 ? step : delta < 0 ? -step : 0;
    // at least one level, so that q's own loader (which continues only indented lines) reads
    // the script the same way
    indent = qMax(indent, step);
    SendScintilla(SCI_SETLINEINDENTATION, line, indent);
    SendScintilla(SCI_GOTOPOS, SendScintilla(SCI_GETLINEINDENTPOSITION, line));
}

void EditorTab::onCharAdded(int ch)
{
    if (ch == '\n') {
        closePopups();
        indentNewLine();
    } else if (ch == '[') {
        showCallTip();
    } else if (ch == ']') {
        SendScintilla(SCI_CALLTIPCANCEL);
    } else if (ch >= 0 && ch < 128 && isNameChar(char(ch))) {
        complete(false);
    } else if (SendScintilla(SCI_AUTOCACTIVE)) {
        SendScintilla(SCI_AUTOCCANCEL);
    }
}

void EditorTab::setNames(ServerNames *names)
{
    m_names = names;
}

void EditorTab::autoCompleteFromAll()
{
    complete(true);
}

void EditorTab::closePopups()
{
    SendScintilla(SCI_AUTOCCANCEL);
    SendScintilla(SCI_CALLTIPCANCEL);
}

QStringList EditorTab::lastCompletions() const
{
    const char sep = char(SendScintilla(SCI_AUTOCGETSEPARATOR));
    QStringList out;
    if (m_completions.isEmpty()) return out;
    for (const QByteArray &n : m_completions.split(sep))
        out << QString::fromUtf8(n);
    return out;
}

void EditorTab::complete(bool asked)
{
    const auto cancel = [this] {
        if (SendScintilla(SCI_AUTOCACTIVE)) SendScintilla(SCI_AUTOCCANCEL);
    };
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    const int line = int(SendScintilla(SCI_LINEFROMPOSITION, pos));
    const long lineStart = SendScintilla(SCI_POSITIONFROMLINE, line);
    const QByteArray lineBytes =
        documentBytes(this).mid(lineStart, SendScintilla(SCI_GETLINEENDPOSITION, line) - lineStart);
    const QByteArray before = lineBytes.left(pos - lineStart);
    // nothing to complete inside a string, a comment or a system command
    QByteArray styles;
    const int state = line > 0 ? int(SendScintilla(SCI_GETLINESTATE, line - 1)) : 0;
    QLexer::styleLine(before, state, &styles);
    if (!styles.isEmpty()) {
        const int s = styles.back();
        if (s == QLexer::String || s == QLexer::Comment || s == QLexer::Command) return cancel();
    }
    qsizetype start = before.size();
    while (start > 0 && isNameChar(before[start - 1]))
        --start;
    const QByteArray word = before.mid(start);
    if (!word.isEmpty() && word[0] >= '0' && word[0] <= '9') return cancel(); // a number
    if (!asked && word.size() < 2) return cancel();

    static const auto builtIn = std::make_shared<const NameCatalog>(NameCatalog::builtIn());
    const std::shared_ptr<const NameCatalog> names =
        m_names ? m_names->catalog(m_profileId) : builtIn;
    QList<QByteArray> offer;
    for (const NameCatalog::Entry *e : names->complete(word, kMaxCompletions))
        offer.append(e->name);
    // columns: of the table after `from` on this line, and after `table.`
    static const QRegularExpression from(QStringLiteral("\\bfrom\\s+([.A-Za-z][.\\w]*)"));
    for (auto m = from.globalMatch(QString::fromUtf8(lineBytes)); m.hasNext();) {
        if (const NameCatalog::Entry *t = names->find(m.next().captured(1).toUtf8());
            t && t->kind == NameCatalog::Table)
            for (const QByteArray &c : t->extras)
                if (c.startsWith(word)) offer.append(c);
    }
    if (const qsizetype dot = word.lastIndexOf('.'); dot > 0) {
        if (const NameCatalog::Entry *t = names->find(word.left(dot));
            t && t->kind == NameCatalog::Table)
            for (const QByteArray &c : t->extras)
                if (c.startsWith(word.mid(dot + 1))) offer.append(word.left(dot + 1) + c);
    }
    std::sort(offer.begin(), offer.end());
    offer.erase(std::unique(offer.begin(), offer.end()), offer.end());
    if (offer.isEmpty() || (offer.size() == 1 && offer.front() == word)) return cancel();
    const char sep = char(SendScintilla(SCI_AUTOCGETSEPARATOR));
    m_completions.clear();
    for (const QByteArray &n : std::as_const(offer)) {
        if (!m_completions.isEmpty()) m_completions += sep;
        m_completions += n;
    }
    SendScintilla(SCI_AUTOCSHOW, word.size(), m_completions.constData());
}

void EditorTab::showCallTip()
{
    const long pos = SendScintilla(SCI_GETCURRENTPOS); // just after the [
    const long lineStart =
        SendScintilla(SCI_POSITIONFROMLINE, SendScintilla(SCI_LINEFROMPOSITION, pos));
    const QByteArray before = documentBytes(this).mid(lineStart, pos - 1 - lineStart);
    qsizetype start = before.size();
    while (start > 0 && isNameChar(before[start - 1]))
        --start;
    const QByteArray name = before.mid(start);
    if (name.isEmpty() || !m_names) return;
    const NameCatalog::Entry *f = m_names->catalog(m_profileId)->find(name);
    if (!f || f->kind != NameCatalog::Function) return;
    QByteArrayList params(f->extras.cbegin(), f->extras.cend());
    const QByteArray tip = name + '[' + params.join(';') + ']';
    m_callTip = QString::fromUtf8(tip);
    SendScintilla(SCI_CALLTIPSHOW, pos, tip.constData());
}

void EditorTab::toggleComment()
{
    int first = 0, index = 0, last = 0, lastIndex = 0;
    const bool selection = hasLiveSelection();
    if (selection) {
        getSelection(&first, &index, &last, &lastIndex);
        if (last > first && lastIndex == 0) --last; // a selection ending at a line's start
    } else {
        getCursorPosition(&first, &index);
        last = first;
    }
    bool allComments = true, anyCode = false;
    for (int l = first; l <= last; ++l) {
        const QLineKind k = qLineKind(lineText(this, l).toUtf8());
        if (k == QLineKind::Blank) continue;
        anyCode = true;
        if (k != QLineKind::Comment) allComments = false;
    }
    if (!anyCode) return;
    beginUndoAction();
    for (int l = first; l <= last; ++l) {
        const long start = SendScintilla(SCI_POSITIONFROMLINE, l);
        const QString t = lineText(this, l);
        if (t.trimmed().isEmpty()) continue;
        if (allComments) { // "/ x" and "/x" both become "x"
            const int n = t.startsWith(QStringLiteral("/ ")) ? 2 : 1;
            SendScintilla(SCI_DELETERANGE, start, n);
        } else {
            SendScintilla(SCI_INSERTTEXT, start, "/ ");
        }
    }
    endUndoAction();
    if (selection) {
        setSelection(first, 0, last, int(lineText(this, last).size()));
    } else {
        const int shift = allComments ? -qMin(index, 2) : 2;
        setCursorPosition(first, qMax(0, index + shift));
    }
}

void EditorTab::goToLine(int line)
{
    const int l = qBound(1, line, qMax(1, lines())) - 1;
    setCursorPosition(l, 0);
    SendScintilla(SCI_ENSUREVISIBLEENFORCEPOLICY, l);
    SendScintilla(SCI_SCROLLCARET);
    setFocus();
}

void EditorTab::insertStatement(const QString &query)
{
    QString q = query;
    while (q.endsWith(u'\n') || q.endsWith(u'\r'))
        q.chop(1);
    if (q.isEmpty()) return;
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    beginUndoAction();
    if (text(line).trimmed().isEmpty()) { // a blank line: the query takes it
        const long start = SendScintilla(SCI_POSITIONFROMLINE, line);
        const long end = SendScintilla(SCI_GETLINEENDPOSITION, line);
        SendScintilla(SCI_DELETERANGE, start, end - start);
        SendScintilla(SCI_INSERTTEXT, start, q.toUtf8().constData());
    } else {
        const std::optional<QStatement> s = statementAtCursor();
        line = s ? qMax(s->lastLine, line) : line;
        const long end = SendScintilla(SCI_GETLINEENDPOSITION, line);
        SendScintilla(SCI_INSERTTEXT, end, (QLatin1Char('\n') + q).toUtf8().constData());
        ++line;
    }
    endUndoAction();
    setCursorPosition(line, 0);
    SendScintilla(SCI_SCROLLCARET);
}

} // namespace qscope
