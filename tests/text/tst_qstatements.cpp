// q's statement rules (protocol/qstatements.h), table-driven: which statement a line belongs to,
// the text sent for it, every statement of a script, and the state after a prefix that the
// editor's auto-indent reads.
#include "protocol/qstatements.h"

#include <QtTest>

using namespace qscope;

namespace {
const QByteArray none("<none>");
}

class TestQStatements : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statementAt_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<int>("line");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("last");
        const auto row = [](const char *name, const QByteArray &script, int line,
                            const QByteArray &text, int first = -1, int last = -1) {
            QTest::newRow(name) << script << line << text << (first < 0 ? line : first)
                                << (last < 0 ? (first < 0 ? line : first) : last);
        };
        row("one line", "a:1", 0, "a:1");
        // issue #15: Ctrl+Return on any line of a multi-line lambda sends all of it
        const QByteArray lambda = "f:{[x]\n  x+1\n  }\nf 41";
        row("lambda line 1", lambda, 0, "f:{[x] x+1 }", 0, 2);
        row("lambda body", lambda, 1, "f:{[x] x+1 }", 0, 2);
        row("lambda close", lambda, 2, "f:{[x] x+1 }", 0, 2);
        // issue #15: `f 41` typed at column 0 under an indented line is its own statement
        row("call after lambda", lambda, 3, "f 41");
        row("after indented line", "g:1+\n  2\nf 41", 2, "f 41");
        row("indented line joins", "g:1+\n  2\nf 41", 1, "g:1+ 2", 0, 1);
        row("brace at column 0", "f:{[x]\nx+1}\nf 41", 0, "f:{[x] x+1}", 0, 1);
        row("call after col-0 brace", "f:{[x]\nx+1}\nf 41", 2, "f 41");
        row("table literal", "t:([]a:1 2;\nb:3 4)\ncount t", 1, "t:([]a:1 2; b:3 4)", 0, 1);
        row("after table literal", "t:([]a:1 2;\nb:3 4)\ncount t", 2, "count t");
        row("nested lambdas", "f:{\n  g:{[y]\n    y*2};\n  g x}\nh", 2, "f:{ g:{[y] y*2}; g x}", 0,
            3);
        row("after nested", "f:{\n  g:{[y]\n    y*2};\n  g x}\nh", 4, "h");
        // strings: brackets, slashes and escaped quotes inside do not count
        row("bracket in string", "s:\"{[(\"\nt:2", 1, "t:2");
        row("bracket string text", "s:\"{[(\"\nt:2", 0, "s:\"{[(\"");
        row("escaped quote", "s:\"a\\\"{\"\nt:2", 1, "t:2");
        row("escaped backslash", "s:\"a\\\\\"\nt:(", 1, "t:(");
        row("slash in string", "s:\"a /b\"", 0, "s:\"a /b\"");
        row("multi-line string", "s:\"ab\ncd\"\nt:1", 1, "s:\"ab\ncd\"", 0, 1);
        row("after multi-line string", "s:\"ab\ncd\"\nt:1", 2, "t:1");
        row("string keeps its spaces", "s:\"a  \n  b\"", 0, "s:\"a  \n  b\"", 0, 1);
        row("slash line inside string", "s:\"x\n/ no\"", 1, "s:\"x\n/ no\"", 0, 1);
        row("backslash line in string", "s:\"x\n\\\ny\"", 2, "s:\"x\n\\\ny\"", 0, 2);
        // comments
        row("trailing comment", "a:1 / set a", 0, "a:1");
        row("brace in comment", "a:1 / {\nb:2", 1, "b:2");
        row("tab comment", "a:1\t/ {\nb:2", 1, "b:2");
        row("over is not comment", "x:+/1 2 3", 0, "x:+/1 2 3");
        row("each-right not comment", "x,/:y", 0, "x,/:y");
        row("comment in lambda", "f:{[x]\n  x+1 / add one\n  }", 1, "f:{[x] x+1 }", 0, 2);
        row("comment hides brace", "f:{x / y}\n  z}", 0, "f:{x z}", 0, 1);
        row("comment line in lambda", "f:{\n/ }\n  x}\ny", 1, "f:{ x}", 0, 2);
        row("after comment line in lambda", "f:{\n/ }\n  x}\ny", 3, "y");
        row("comment line alone", "/ hi\na:1", 0, none);
        row("indented comment continues", "a:1\n  / note", 1, "a:1", 0, 1);
        // block comments and the script's end
        row("block comment", "a:1\n/\nb:{\n\\\nc:2", 2, none);
        row("after block", "a:1\n/\nb:{\n\\\nc:2", 4, "c:2");
        row("before block", "a:1\n/\nb:{\n\\\nc:2", 0, "a:1");
        row("block opener line", "a:1\n/\nb:{\n\\\nc:2", 1, none);
        row("block with spaces", "/  \nx\n\\  \ny", 3, "y");
        row("block inside lambda", "f:{\n/\n}\n\\\n  x}", 4, "f:{ x}", 0, 4);
        row("script end", "a:1\n\\\nb:2", 2, none);
        row("script end line", "a:1\n\\\nb:2", 1, none);
        row("slash not alone", "/x\na", 1, "a");
        // system commands
        row("command", "\\d .ns\nf:1", 0, "\\d .ns");
        row("after command", "\\d .ns\nf:1", 1, "f:1");
        row("indent after command", "\\l x.q\n  a:1", 1, "a:1");
        row("command ends lambda", "f:{\n\\t 1\n  x}", 1, "\\t 1");
        // blank lines
        row("blank inside statement", "a:1+\n\n  2", 1, "a:1+ 2", 0, 2);
        row("blank between", "a:1\n\nb:2", 1, none);
        row("indented after blank", "f:{[x] x}\n\n  g 2", 2, "f:{[x] x} g 2", 0, 2);
        // layout
        row("crlf", "a:1\r\n  +2\r\nb", 0, "a:1 +2", 0, 1);
        row("crlf next", "a:1\r\n  +2\r\nb", 2, "b");
        row("tab continues", "a:1\n\t+2", 1, "a:1 +2", 0, 1);
        row("indented first line", "  a:1\nb", 0, "a:1");
        row("stray closer", "}\na:1", 1, "a:1");
        row("stray closer itself", "}\na:1", 0, "}");
        row("past the end", "a:1", 5, none);
        row("negative", "a:1", -1, none);
        row("empty script", "", 0, none);
        row("trailing newline", "a:1\n", 1, none);
        row("select over lines", "select from t\n  where a>1\nx", 0, "select from t where a>1", 0,
            1);
        row("dictionary", "d:`a`b!(\n  1;\n  2)\nd`a", 3, "d`a");
        row("unclosed runs to end", "f:{\nx\ny", 2, "f:{ x y", 0, 2);
    }

    void statementAt()
    {
        QFETCH(QByteArray, script);
        QFETCH(int, line);
        QFETCH(QByteArray, text);
        QFETCH(int, first);
        QFETCH(int, last);
        const std::optional<QStatement> s = qStatementAt(script, line);
        if (text == none) {
            QVERIFY2(!s, s ? s->text.constData() : "");
            return;
        }
        QVERIFY(s.has_value());
        QCOMPARE(s->text, text);
        QCOMPARE(s->firstLine, first);
        QCOMPARE(s->lastLine, last);
        // the whole-script cut holds the same statement
        QVERIFY(qStatements(script).contains(*s));
    }

    void wholeScript()
    {
        const QByteArray script = "/ a comment\n"
                                  "a:1\n"
                                  "f:{[x]\n"
                                  "  x+1 / trailing comment\n"
                                  "  }\n"
                                  "f 41\n"
                                  "\n"
                                  "/\n"
                                  "block comment {\n"
                                  "\\\n"
                                  "s:\"a / not a comment\"\n"
                                  "\\d .ns\n"
                                  "t:([]a:1 2;\n"
                                  "b:3 4)\n"
                                  "\\\n"
                                  "ignored:1\n";
        const QList<QStatement> st = qStatements(script);
        QCOMPARE(st.size(), 6);
        QCOMPARE(st[0], (QStatement{1, 1, "a:1"}));
        QCOMPARE(st[1], (QStatement{2, 4, "f:{[x] x+1 }"}));
        QCOMPARE(st[2], (QStatement{5, 5, "f 41"}));
        QCOMPARE(st[3], (QStatement{10, 10, "s:\"a / not a comment\""}));
        QCOMPARE(st[4], (QStatement{11, 11, "\\d .ns"}));
        QCOMPARE(st[5], (QStatement{12, 13, "t:([]a:1 2; b:3 4)"}));
        // every line of every statement finds it again
        for (const QStatement &s : st)
            for (int l = s.firstLine; l <= s.lastLine; ++l)
                QCOMPARE(qStatementAt(script, l), std::optional<QStatement>(s));
    }

    void stateAfter_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<int>("open");
        QTest::addColumn<bool>("inString");
        QTest::addColumn<bool>("inBlock");
        QTest::addColumn<bool>("ended");
        QTest::addColumn<bool>("inStatement");
        const auto row = [](const char *name, const QByteArray &p, int open, bool str, bool block,
                            bool ended, bool stmt) {
            QTest::newRow(name) << p << open << str << block << ended << stmt;
        };
        row("empty", "", 0, false, false, false, false);
        row("complete", "a:1", 0, false, false, false, true);
        row("lambda open", "f:{[x]", 1, false, false, false, true);
        row("lambda body", "f:{[x]\n  x+1", 1, false, false, false, true);
        row("lambda closed", "f:{[x]\n  x+1}", 0, false, false, false, true);
        row("mid line", "f:{[x] x+", 1, false, false, false, true);
        row("two open", "t:([]a:(1", 2, false, false, false, true);
        row("string open", "s:\"abc", 0, true, false, false, true);
        row("brace in string", "s:\"{", 0, true, false, false, true);
        row("brace in comment", "a:1 / {", 0, false, false, false, true);
        row("block", "/\nx", 0, false, true, false, false);
        row("block closed", "/\nx\n\\\n", 0, false, false, false, false);
        row("ended", "a:1\n\\\n", 0, false, false, true, false);
        row("after command", "\\d .ns", 0, false, false, false, false);
        row("new statement resets", "f:{\n}\ng:(", 1, false, false, false, true);
    }

    void stateAfter()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(int, open);
        QFETCH(bool, inString);
        QFETCH(bool, inBlock);
        QFETCH(bool, ended);
        QFETCH(bool, inStatement);
        const QScriptState s = qStateAfter(prefix);
        QCOMPARE(s.openBrackets, open);
        QCOMPARE(s.inString, inString);
        QCOMPARE(s.inBlockComment, inBlock);
        QCOMPARE(s.ended, ended);
        QCOMPARE(s.inStatement, inStatement);
    }

    void lineKinds()
    {
        QCOMPARE(qLineKind(""), QLineKind::Blank);
        QCOMPARE(qLineKind("  \t"), QLineKind::Blank);
        QCOMPARE(qLineKind("/"), QLineKind::BlockOpen);
        QCOMPARE(qLineKind("/ \r"), QLineKind::BlockOpen);
        QCOMPARE(qLineKind(" /"), QLineKind::Continuation);
        QCOMPARE(qLineKind("\\"), QLineKind::ScriptEnd);
        QCOMPARE(qLineKind("\\", true), QLineKind::BlockClose);
        QCOMPARE(qLineKind("x", true), QLineKind::Comment);
        QCOMPARE(qLineKind("/ c"), QLineKind::Comment);
        QCOMPARE(qLineKind("\\t 1"), QLineKind::Command);
        QCOMPARE(qLineKind("\tx"), QLineKind::Continuation);
        QCOMPARE(qLineKind("x"), QLineKind::Code);
    }

    void garbageIsSafe()
    {
        QByteArray junk;
        for (int i = 0; i < 20000; ++i)
            junk.append(char((i * 7919 + 13) % 256));
        const QList<QStatement> st = qStatements(junk);
        for (const QStatement &s : st)
            QVERIFY(s.firstLine <= s.lastLine);
        const int lines = int(junk.count('\n')) + 1;
        for (int l = 0; l < lines; l += 7)
            qStatementAt(junk, l); // must not crash or hang
        QVERIFY(qStateAfter(junk).openBrackets >= 0);
    }
};

QTEST_MAIN(TestQStatements)
#include "tst_qstatements.moc"
