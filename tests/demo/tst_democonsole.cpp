// The real qscope-demo binary's console, run as a process with lines piped on stdin as a user
// (or a script) would: values on stdout as q prints them, errors on stderr as 'word, nothing for
// an assignment or after a trailing `;`, and \\ exits only once every line before it has run.
#include <QProcess>
#include <QtTest>

class TestDemoConsole : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        bool finished = false;
        QByteArray out, err;
    };

    static Run console(const QByteArray &input)
    {
        QProcess p;
        p.start(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-demo"),
                {QStringLiteral("-p"), QStringLiteral("0"), QStringLiteral("--no-feed"),
                 QStringLiteral("--no-unix"), QStringLiteral("--bind"),
                 QStringLiteral("127.0.0.1")});
        Run r;
        if (!p.waitForStarted(10000)) return r;
        p.write(input);
        p.closeWriteChannel();
        r.finished = p.waitForFinished(60000);
        if (!r.finished) p.kill(), p.waitForFinished(5000);
        r.exitCode = p.exitCode();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private Q_SLOTS:
    void quitsAfterTheQueuedLines()
    {
        // piped at once, ending in a slow line and \\: every line before \\ runs and prints,
        // none after it
        const Run r = console("a:1\n"                 // assignment: nothing
                              "1+1\n"                 // 2
                              "b:2;\n"                // nothing
                              "2+2;\n"                // trailing ; : nothing
                              "a+b\n"                 // 3
                              "1+`a\n"                // 'type on stderr
                              "x:til 3\n"             // nothing
                              "x[0]:5\n"              // indexed assignment: nothing
                              "a+:10\n"               // assignment with an operator: nothing
                              "(c:4)\n"               // a parenthesised one prints: 4
                              "x\n"                   // 5 1 2
                              "a\n"                   // 11
                              "show 7\n"              // show writes 7 on stdout
                              "-2 \"warn\";\n"        // on stderr
                              "::\n"                  // generic null: nothing
                              "([]c:1 2)\n"           // a table as q's console shows it
                              "undefinedname\n"       // 'undefinedname on stderr
                              "{x+y}/[til 3000000]\n" // slow: still printed before exiting
                              "\\\\\n"
                              "show 99\n");
        QVERIFY2(r.finished, "qscope-demo did not exit on \\\\");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out), QStringLiteral("2\n"
                                                          "3\n"
                                                          "4\n"
                                                          "5 1 2\n"
                                                          "11\n"
                                                          "7\n"
                                                          "c\n"
                                                          "-\n"
                                                          "1\n"
                                                          "2\n"
                                                          "4499998500000\n"));
        // errors as q prints them, on stderr, in order, with the server's own log lines
        const QString err = QString::fromUtf8(r.err);
        const qsizetype type = err.indexOf(QStringLiteral("'type\n"));
        const qsizetype warn = err.indexOf(QStringLiteral("warn\n"));
        const qsizetype undefined = err.indexOf(QStringLiteral("'undefinedname\n"));
        QVERIFY2(type >= 0 && warn > type && undefined > warn, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("listening on port")), qPrintable(err));
    }

    void quitsAtOnceWithNothingQueued()
    {
        const Run r = console("\\\\\n1+1\n");
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestDemoConsole)
#include "tst_democonsole.moc"
