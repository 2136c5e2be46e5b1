#pragma once
/// A q lexer for QScintilla. Styles keywords, the system namespaces (.z .Q .h .j .u .o), symbols,
/// strings, numbers, temporal literals (2024.01.31, 12:30:00.000, 0D00:00:01, 2024.01.31D10:00),
/// system commands (a line starting with \), and q's three kinds of comment: a line starting
/// with `/`, a trailing ` /` after whitespace, and blocks: a line of `/` alone opens a block that
/// a line of `\` alone closes; a `\` alone outside a block ends the script (the rest is comment).
///
/// Styling is per line with a carried state (Scintilla's line state), so editing inside a long
/// file restyles only from the changed line on. The tokenizer is a pure function, tested alone.

#include "editor/qsci.h"

#include <QByteArray>
#include <QStringList>

namespace qscope {

class QLexer : public QsciLexerCustom
{
    Q_OBJECT
public:
    enum Style {
        Default = 0,
        Comment,
        Keyword,
        SystemName,
        Symbol,
        String,
        Number,
        Temporal,
        Operator,
        Identifier,
        Command,
        StyleCount
    };
    /// Carried from one line to the next.
    enum LineState { Normal = 0, InBlockComment = 1, AfterScriptEnd = 2, InString = 3 };

    /// QScintilla's custom lexer styles only the editor it was set on last (it takes
    /// SCN_STYLENEEDED from that one alone), so every editor needs a lexer of its own.
    explicit QLexer(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    const char *language() const override;
    QString description(int style) const override;
    void styleText(int start, int end) override;
    const char *wordCharacters() const override;
    QColor defaultColor(int style) const override;
    QColor defaultPaper(int style) const override;
    QFont defaultFont(int style) const override;

    /// Re-reads the theme colours.
    void applyTheme();

    // any thread ------------------------------------------------------------------------------
    static const QStringList &keywords();
    /// Styles one line (no line terminator): one style byte per input byte. Returns the state
    /// the next line starts in.
    static int styleLine(const QByteArray &line, int stateIn, QByteArray *styles);
};

} // namespace qscope
