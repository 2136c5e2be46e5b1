// The q lexer: styles of each token kind from the pure line styler, the carried block-comment
// and string states, and the same styles read back from a real QScintilla document.
#include "editor/editortab.h"
#include "editor/qlexer.h"

#include <QtTest>

using namespace qscope;

class TestQLexer : public QObject
{
    Q_OBJECT

    /// Style of the first byte of `token` inside `line`; -2 if the token's bytes differ.
    static int styleOf(const QByteArray &line, const QByteArray &token, int state = 0)
    {
        QByteArray styles;
        QLexer::styleLine(line, state, &styles);
        const int at = int(line.indexOf(token));
        if (at < 0) return -1;
        for (int i = at; i < at + token.size(); ++i)
            if (styles[i] != styles[at]) return -2;
        return styles[at];
    }

private Q_SLOTS:
    void tokens_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<int>("style");
        const auto row = [](const char *name, const char *line, const char *token, int style) {
            QTest::newRow(name) << QByteArray(line) << QByteArray(token) << style;
        };
        row("keyword", "select max price by sym from trade", "select", QLexer::Keyword);
        row("keyword2", "x:til 10", "til", QLexer::Keyword);
        row("identifier", "trade:([]a:1 2)", "trade", QLexer::Identifier);
        row(".z", "t:.z.p", ".z.p", QLexer::SystemName);
        row(".Q", ".Q.dpft[`:db;d;`sym;`t]", ".Q.dpft", QLexer::SystemName);
        row(".h", "r:.h.tx[`csv;t]", ".h.tx", QLexer::SystemName);
        row("user ns", ".myns.f[1]", ".myns.f", QLexer::Identifier);
        row("symbol", "s:`IBM`MSFT", "`IBM`MSFT", QLexer::Symbol);
        row("file symbol", "hopen `:localhost:5010", "`:localhost:5010", QLexer::Symbol);
        row("string", "s:\"a / not a comment\"", "\"a / not a comment\"", QLexer::String);
        row("escaped quote", "s:\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\"", QLexer::String);
        row("long", "x:42j", "42j", QLexer::Number);
        row("float exp", "x:1.5e-05", "1.5e-05", QLexer::Number);
        row("bytes", "x:0x0a1f", "0x0a1f", QLexer::Number);
        row("null", "x:0N", "0N", QLexer::Number);
        row("date", "d:2024.01.31", "2024.01.31", QLexer::Temporal);
        row("month", "m:2024.01m", "2024.01m", QLexer::Temporal);
        row("timestamp", "p:2024.01.31D10:00:00.000000001", "2024.01.31D10:00:00.000000001",
            QLexer::Temporal);
        row("time", "t:12:30:00.000", "12:30:00.000", QLexer::Temporal);
        row("timespan", "n:0D00:00:01", "0D00:00:01", QLexer::Temporal);
        row("trailing comment", "x:1 / set x", "/ set x", QLexer::Comment);
        row("over is not comment", "x:+/1 2 3", "/", QLexer::Operator);
        row("line comment", "/ all comment", "/ all comment", QLexer::Comment);
        row("command", "\\t select from t", "\\t select from t", QLexer::Command);
    }
    void tokens()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, token);
        QFETCH(int, style);
        QCOMPARE(styleOf(line, token), style);
    }

    void blockComments()
    {
        QByteArray styles;
        int s = QLexer::styleLine("x:1", QLexer::Normal, &styles);
        QCOMPARE(s, int(QLexer::Normal));
        s = QLexer::styleLine("/", s, &styles);
        QCOMPARE(s, int(QLexer::InBlockComment));
        s = QLexer::styleLine("select from t", s, &styles);
        QCOMPARE(s, int(QLexer::InBlockComment));
        QCOMPARE(int(styles[0]), int(QLexer::Comment));
        s = QLexer::styleLine("\\", s, &styles);
        QCOMPARE(s, int(QLexer::Normal));
        s = QLexer::styleLine("select from t", s, &styles);
        QCOMPARE(int(styles[0]), int(QLexer::Keyword));
        // a lone backslash outside a block ends the script: the rest is comment
        s = QLexer::styleLine("\\", s, &styles);
        QCOMPARE(s, int(QLexer::AfterScriptEnd));
        s = QLexer::styleLine("select from t", s, &styles);
        QCOMPARE(int(styles[0]), int(QLexer::Comment));
        QCOMPARE(s, int(QLexer::AfterScriptEnd));
    }

    void multiLineString()
    {
        QByteArray styles;
        int s = QLexer::styleLine("s:\"first", QLexer::Normal, &styles);
        QCOMPARE(s, int(QLexer::InString));
        const QByteArray second("second\" ; til 3");
        s = QLexer::styleLine(second, s, &styles);
        QCOMPARE(s, int(QLexer::Normal));
        QCOMPARE(int(styles[0]), int(QLexer::String));
        QCOMPARE(int(styles[second.indexOf("til")]), int(QLexer::Keyword));
    }

    void garbageDoesNotCrash()
    {
        QByteArray styles;
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk.append(char((i * 7919) % 256));
        for (int st = 0; st < 4; ++st) {
            QLexer::styleLine(junk, st, &styles);
            QCOMPARE(styles.size(), junk.size());
        }
        QLexer::styleLine(QByteArray(), 0, &styles);
        QCOMPARE(styles.size(), 0);
    }

    void inRealEditor()
    {
        QLexer lexer;
        EditorTab editor(&lexer);
        editor.setText(
            QStringLiteral("/ header\nt:select from trade where sym=`IBM / c\n/\nblock\n\\\n"
                           "d:2024.01.31\n"));
        editor.resize(400, 300);
        editor.show();
        editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
        const auto styleAt = [&](const char *needle) {
            const int pos = int(editor.text().toUtf8().indexOf(needle));
            return int(editor.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, pos));
        };
        QCOMPARE(styleAt("/ header"), int(QLexer::Comment));
        QCOMPARE(styleAt("select"), int(QLexer::Keyword));
        QCOMPARE(styleAt("`IBM"), int(QLexer::Symbol));
        QCOMPARE(styleAt("/ c"), int(QLexer::Comment));
        QCOMPARE(styleAt("block"), int(QLexer::Comment));
        QCOMPARE(styleAt("2024.01.31"), int(QLexer::Temporal));
        // editing the block opener restyles what follows it
        editor.setSelection(2, 0, 2, 1);
        editor.replaceSelectedText(QStringLiteral("x"));
        editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
        QCOMPARE(styleAt("block"), int(QLexer::Identifier));
    }

    void keywordsForCompletion()
    {
        QVERIFY(QLexer::keywords().contains(QStringLiteral("select")));
        QVERIFY(QLexer::keywords().contains(QStringLiteral("xbar")));
        QVERIFY(!QLexer::keywords().contains(QString()));
    }

    void everyEditorIsStyled()
    {
        // EditorArea hands every tab the same lexer; a QScintilla custom lexer styles only the
        // editor it was set on last, so tabs style with their own: both are coloured.
        QLexer shared;
        EditorTab first(&shared);
        EditorTab second(&shared);
        for (EditorTab *e : {&first, &second}) {
            e->setText(QStringLiteral("t:select from trade / c\n"));
            e->SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
        }
        for (EditorTab *e : {&first, &second}) {
            QCOMPARE(int(e->SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, 2)),
                     int(QLexer::Keyword));
            QCOMPARE(int(e->SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, 22)),
                     int(QLexer::Comment));
            QVERIFY(e->lexer() != &shared);
        }
    }
};

QTEST_MAIN(TestQLexer)
#include "tst_qlexer.moc"
