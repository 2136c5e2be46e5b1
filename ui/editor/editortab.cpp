#include "editor/editortab.h"

#include "editor/qlexer.h"
#include "theme/theme.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUuid>

namespace qscope {

EditorTab::EditorTab(QLexer *lexer, QWidget *parent)
    : QsciScintilla(parent), m_tabId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    setUtf8(true);
    setLexer(lexer);
    setAutoIndent(true);
    setIndentationsUseTabs(false);
    setTabWidth(2);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setCaretLineVisible(true);
    setMarginType(0, QsciScintilla::NumberMargin);
    setAutoCompletionSource(QsciScintilla::AcsAll);
    setAutoCompletionThreshold(2);
    setAutoCompletionCaseSensitivity(true);
    setAutoCompletionReplaceWord(false);
    setEolMode(QsciScintilla::EolUnix);
    // A horizontal scroll bar only once a line is wider than the editor (Scintilla's default
    // reserves 2,000 px and shows one on an empty tab).
    SendScintilla(SCI_SETSCROLLWIDTH, 1);
    SendScintilla(SCI_SETSCROLLWIDTHTRACKING, 1);
    applyTheme();
    connect(this, &QsciScintilla::linesChanged, this, [this] {
        setMarginWidth(0, QStringLiteral("0") + QString::number(lines()) + QStringLiteral("0"));
    });
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
    if (auto *l = qobject_cast<QLexer *>(lexer())) l->applyTheme();
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

QByteArray EditorTab::currentStatement() const
{
    if (hasSelectedText()) return selectedText().toUtf8();
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    QString t = text(line);
    while (t.endsWith(QLatin1Char('\n')) || t.endsWith(QLatin1Char('\r')))
        t.chop(1);
    return t.toUtf8();
}

} // namespace qscope
