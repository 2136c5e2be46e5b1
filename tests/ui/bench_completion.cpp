// Completion latency with a large server: 50,000 names (variables, functions with parameters,
// tables with columns, namespaced names). Prints the time from a key press in a real EditorTab
// to the list being up, for a broad prefix (capped list), a narrow one, a namespace, and
// Ctrl+Space on nothing typed; and the cost of building the catalog from the server's answer.
// Issue #15's budget is 20 ms for the popup; this benchmark reports, it does not judge.
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editortab.h"
#include "editor/namecatalog.h"
#include "editor/qlexer.h"
#include "editor/servernames.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QtTest>

#include <algorithm>
#include <cstdio>

using namespace qscope;

class BenchCompletion : public QObject
{
    Q_OBJECT

    /// The answer a server with `n` names gives to NameCatalog::query().
    static Value serverAnswer(int n)
    {
        std::vector<QByteArray> names;
        QByteArray kinds;
        std::vector<Value> extras;
        const auto add = [&](QByteArray name, char kind, std::vector<QByteArray> extra) {
            names.push_back(std::move(name));
            kinds += kind;
            extras.push_back(Value::symbols(extra));
        };
        for (int i = 0; int(names.size()) < n; ++i) {
            switch (i % 10) {
            case 0:
                add("tab" + QByteArray::number(i), 't',
                    {"time", "sym", "price", "size", "side", "ex", "cond", "bid", "ask", "mid"});
                break;
            case 1:
            case 2:
                add("fn_" + QByteArray::number(i), 'f', {"x", "y", "z"});
                break;
            case 3:
            case 4:
            case 5:
                add(".ns" + QByteArray::number(i % 97) + ".f" + QByteArray::number(i), 'f', {"a"});
                break;
            default:
                add("v" + QByteArray::number(i), 'v', {});
                break;
            }
        }
        return Value::list({Value::symbols(names), Value::string(kinds), Value::list(extras)});
    }

    struct Figures
    {
        double median, p95, max;
        int shown;
    };

    /// Presses the last character of `typed` (the rest set as text) `rounds` times.
    static Figures measure(EditorTab *tab, const QString &typed, bool ctrlSpace, int rounds)
    {
        std::vector<double> ms;
        int shown = 0;
        for (int r = 0; r < rounds; ++r) {
            tab->SendScintilla(QsciScintillaBase::SCI_AUTOCCANCEL);
            const QString head = ctrlSpace ? typed : typed.chopped(1);
            tab->setText(head);
            tab->setCursorPosition(0, int(head.size()));
            QElapsedTimer clock;
            clock.start();
            if (ctrlSpace) // the window's Ctrl+Space action calls this
                tab->autoCompleteFromAll();
            else
                QTest::keyClicks(tab, typed.right(1));
            const double t = double(clock.nsecsElapsed()) / 1e6;
            if (tab->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE)) {
                ++shown;
                ms.push_back(t);
            }
        }
        std::sort(ms.begin(), ms.end());
        if (ms.empty()) return {0, 0, 0, 0};
        return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back(),
                shown};
    }

private Q_SLOTS:
    void popupLatency()
    {
        QStandardPaths::setTestModeEnabled(true);
        const int n = 50000;
        const Value answer = serverAnswer(n);
        QElapsedTimer build;
        build.start();
        QString error;
        auto catalog = std::make_shared<const NameCatalog>(NameCatalog::fromServer(answer, &error));
        const double buildMs = double(build.nsecsElapsed()) / 1e6;
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(catalog->size() >= n);

        QElapsedTimer lookup;
        lookup.start();
        int found = 0;
        for (int i = 0; i < 10000; ++i)
            found += int(catalog->complete("fn_1", 500).size());
        const double lookupUs = double(lookup.nsecsElapsed()) / 1e3 / 10000;
        QVERIFY(found > 0);

        ConnectionManager manager;
        ConnectionStore store;
        PasswordStore passwords(QStringLiteral("qscope-bench"));
        passwords.setKeychainEnabled(false);
        ServerSessions sessions(&manager, &store, &passwords);
        ServerNames names(&sessions);
        names.setCatalog(QStringLiteral("big"), catalog);
        QLexer words;
        EditorTab tab(&words);
        tab.setProfileId(QStringLiteral("big"));
        tab.setNames(&names);
        tab.resize(800, 500);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        tab.setFocus();

        std::printf("completion with %d server names (catalog of %d): catalog built in %.1f ms "
                    "(on a pool thread), prefix look-up %.2f us\n",
                    n, catalog->size(), buildMs, lookupUs);
        const struct
        {
            const char *what;
            QString typed;
            bool ctrlSpace;
        } cases[] = {
            {"broad prefix 'v1' (list capped at 200)", QStringLiteral("v1"), false},
            {"narrow prefix 'fn_1234'", QStringLiteral("fn_1234"), false},
            {"namespace '.ns5.'", QStringLiteral(".ns5."), false},
            {"columns after 'from tab10 where pr'", QStringLiteral("select from tab10 where pr"),
             false},
            {"Ctrl+Space on nothing typed (all names, capped)", QString(), true},
        };
        for (const auto &c : cases) {
            const Figures f = measure(&tab, c.typed, c.ctrlSpace, 200);
            QVERIFY2(f.shown == 200, c.what);
            std::printf("  popup latency, %-50s median %.2f ms, p95 %.2f ms, max %.2f ms "
                        "(200 key presses)\n",
                        c.what, f.median, f.p95, f.max);
        }
        std::printf("  budget (issue #15): under 20 ms\n");
        std::fflush(stdout);
    }
};

QTEST_MAIN(BenchCompletion)
#include "bench_completion.moc"
