#include "editor/qlexer.h"

#include "protocol/qstatements.h"
#include "theme/theme.h"

#include <QFontDatabase>
#include <QRegularExpression>
#include <QSet>

namespace qscope {

namespace {

bool isIdentStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isIdentChar(char c)
{
    return isIdentStart(c) || (c >= '0' && c <= '9') || c == '_' || c == '.';
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

const QSet<QByteArray> &keywordSet()
{
    static const QSet<QByteArray> set = [] {
        QSet<QByteArray> s;
        for (const QString &k : QLexer::keywords())
            s.insert(k.toLatin1());
        return s;
    }();
    return set;
}

bool isSystemName(const QByteArray &word)
{
    static const char *const spaces[] = {".z", ".Q", ".h", ".j", ".u", ".o", ".q"};
    for (const char *ns : spaces) {
        const QByteArray n(ns);
        if (word == n || word.startsWith(QByteArray(n + '.'))) return true;
    }
    return false;
}

bool isTemporal(const QByteArray &tok)
{
    static const QRegularExpression date(
        QStringLiteral("^\\d{4}\\.\\d{2}(\\.\\d{2})?([DT][0-9:.]*)?[mdpz]?$"));
    static const QRegularExpression span(QStringLiteral("^-?\\d+D[0-9:.]*[n]?$"));
    static const QRegularExpression clock(QStringLiteral("^\\d+:\\d+(:\\d+)?(\\.\\d*)?[tuvn]?$"));
    const QString s = QString::fromLatin1(tok);
    return date.match(s).hasMatch() || span.match(s).hasMatch() || clock.match(s).hasMatch();
}

} // namespace

const QStringList &QLexer::keywords()
{
    static const QStringList words =
        QStringLiteral(
            "abs acos aj aj0 ajf ajf0 all and any asc asin asof atan attr avg avgs bin binr by "
            "ceiling "
            "cols cor cos count cov cross csv cut delete deltas desc dev differ distinct div do "
            "dsave "
            "each ej ema enlist eval except exec exit exp fby fills first fkeys flip floor from "
            "get "
            "getenv group gtime hclose hcount hdel hopen hsym iasc idesc if ij ijf in insert inter "
            "inv "
            "key keys last like lj ljf load log lower lsq ltime ltrim mavg max maxs mcount md5 "
            "mdev med "
            "meta min mins mmax mmin mmu mod msum neg next not null or over parse peach pj plist "
            "prd "
            "prds prev prior rand rank ratios raze read0 read1 reciprocal reval reverse rload "
            "rotate "
            "rsave rtrim save scan scov sdev select set setenv show signum sin sqrt ss ssr string "
            "sublist sum sums sv svar system tables tan til trim type uj ujf ungroup union update "
            "upper "
            "upsert value var view views vs wavg where while within wj wj1 wsum xasc xbar xcol "
            "xcols "
            "xdesc xexp xgroup xkey xlog xprev xrank")
            .split(QLatin1Char(' '));
    return words;
}

int QLexer::styleLine(const QByteArray &line, int stateIn, QByteArray *styles)
{
    const int n = int(line.size());
    styles->fill(char(Default), n);
    const auto paint = [&](int from, int to, Style s) {
        for (int k = from; k < to && k < n; ++k)
            (*styles)[k] = char(s);
    };
    if (stateIn == AfterScriptEnd) {
        paint(0, n, Comment);
        return AfterScriptEnd;
    }
    if (stateIn == InBlockComment) {
        paint(0, n, Comment);
        return qLineKind(line, true) == QLineKind::BlockClose ? Normal : InBlockComment;
    }
    if (stateIn == Normal) { // comment and command lines by q's statement rules
        switch (qLineKind(line)) {
        case QLineKind::BlockOpen:
            paint(0, n, Comment);
            return InBlockComment;
        case QLineKind::ScriptEnd:
            paint(0, n, Comment);
            return AfterScriptEnd;
        case QLineKind::Comment:
            paint(0, n, Comment);
            return Normal;
        case QLineKind::Command:
            paint(0, n, Command);
            return Normal;
        default:
            break;
        }
    }
    int i = 0;
    bool inString = stateIn == InString;
    while (i < n) {
        if (inString) {
            const int s = i;
            while (i < n && line[i] != '"')
                i += (line[i] == '\\' && i + 1 < n) ? 2 : 1;
            if (i < n) {
                ++i; // closing quote
                inString = false;
            }
            paint(s, i, String);
            continue;
        }
        const char c = line[i];
        if (isSpace(c)) {
            const int s = i;
            while (i < n && isSpace(line[i]))
                ++i;
            if (i < n && line[i] == '/') { // whitespace then / : a trailing comment
                paint(s, n, Comment);
                return Normal;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            (*styles)[i] = char(String);
            ++i;
            continue;
        }
        if (c == '`') {
            const int s = i++;
            if (i < n && line[i] == ':') { // file handle: `:path/to/file
                while (i < n && (isIdentChar(line[i]) || line[i] == ':' || line[i] == '/'))
                    ++i;
            } else {
                while (i < n && (isIdentChar(line[i]) || line[i] == ':'))
                    ++i;
            }
            paint(s, i, Symbol);
            continue;
        }
        const bool dotWord = c == '.' && i + 1 < n && isIdentStart(line[i + 1]);
        if (isIdentStart(c) || dotWord) {
            const int s = i++;
            while (i < n && isIdentChar(line[i]))
                ++i;
            const QByteArray word = line.mid(s, i - s);
            Style st = Identifier;
            if (isSystemName(word))
                st = SystemName;
            else if (keywordSet().contains(word))
                st = Keyword;
            paint(s, i, st);
            continue;
        }
        const bool dotNumber = c == '.' && i + 1 < n && isDigit(line[i + 1]);
        if (isDigit(c) || dotNumber) {
            const int s = i++;
            while (i < n) {
                const char d = line[i];
                if (isDigit(d) || isIdentStart(d) || d == '.' || d == ':') {
                    ++i;
                } else if ((d == '-' || d == '+') && (line[i - 1] == 'e' || line[i - 1] == 'E') &&
                           i + 1 < n && isDigit(line[i + 1]) && line.mid(s, 2) != "0x") {
                    ++i; // exponent sign: 1e-05
                } else {
                    break;
                }
            }
            paint(s, i, isTemporal(line.mid(s, i - s)) ? Temporal : Number);
            continue;
        }
        (*styles)[i] = char(Operator);
        ++i;
    }
    return inString ? InString : Normal;
}

QLexer::QLexer(QObject *parent) : QsciLexerCustom(parent)
{
    applyTheme();
}

const char *QLexer::language() const
{
    return "q";
}

QString QLexer::description(int style) const
{
    switch (style) {
    case Default:
        return tr("Default");
    case Comment:
        return tr("Comment");
    case Keyword:
        return tr("Keyword");
    case SystemName:
        return tr("System name (.z .Q .h ...)");
    case Symbol:
        return tr("Symbol");
    case String:
        return tr("String");
    case Number:
        return tr("Number");
    case Temporal:
        return tr("Temporal literal");
    case Operator:
        return tr("Operator");
    case Identifier:
        return tr("Identifier");
    case Command:
        return tr("System command");
    default:
        return {};
    }
}

const char *QLexer::wordCharacters() const
{
    return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
}

QColor QLexer::defaultColor(int style) const
{
    const Theme::EditorColors c = Theme::editorColors();
    switch (style) {
    case Comment:
        return c.comment;
    case Keyword:
        return c.keyword;
    case SystemName:
        return c.systemName;
    case Symbol:
        return c.symbol;
    case String:
        return c.string;
    case Number:
        return c.number;
    case Temporal:
        return c.temporal;
    case Operator:
        return c.op;
    case Command:
        return c.command;
    default:
        return c.text;
    }
}

QColor QLexer::defaultPaper(int) const
{
    return Theme::editorColors().paper;
}

QFont QLexer::defaultFont(int style) const
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (style == Keyword) f.setBold(true);
    if (style == Comment) f.setItalic(true);
    return f;
}

void QLexer::applyTheme()
{
    for (int s = 0; s < StyleCount; ++s) {
        setColor(defaultColor(s), s);
        setPaper(defaultPaper(s), s);
        setFont(defaultFont(s), s);
    }
    setDefaultPaper(defaultPaper(0));
    setDefaultColor(defaultColor(0));
    setDefaultFont(defaultFont(0));
}

void QLexer::styleText(int start, int end)
{
    QsciScintilla *ed = editor();
    if (!ed) return;
    const int lines = int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINECOUNT));
    int line = int(ed->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, start));
    const int lastLine = int(ed->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, end));
    int state = line > 0 ? int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINESTATE, line - 1))
                         : int(Normal);
    QByteArray styles;
    for (; line < lines; ++line) {
        const int from = int(ed->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line));
        const int textEnd = int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINEENDPOSITION, line));
        const int next =
            line + 1 < lines
                ? int(ed->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line + 1))
                : textEnd;
        QByteArray text(textEnd - from + 1, '\0');
        if (textEnd > from)
            ed->SendScintilla(QsciScintillaBase::SCI_GETTEXTRANGE, from, textEnd, text.data());
        text.resize(textEnd - from);
        const int newState = styleLine(text, state, &styles);
        startStyling(from);
        int k = 0;
        while (k < styles.size()) {
            int run = 1;
            while (k + run < styles.size() && styles[k + run] == styles[k])
                ++run;
            setStyling(run, int(styles[k]));
            k += run;
        }
        if (next > textEnd) // the line terminator takes the style of what continues
            setStyling(next - textEnd, (newState == InBlockComment || newState == AfterScriptEnd)
                                           ? Comment
                                       : newState == InString ? String
                                                              : Default);
        const int oldState = int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINESTATE, line));
        ed->SendScintilla(QsciScintillaBase::SCI_SETLINESTATE, line, newState);
        state = newState;
        // past the asked range, stop once a line's carried state is what it was
        if (line >= lastLine && oldState == newState) break;
    }
}

} // namespace qscope
