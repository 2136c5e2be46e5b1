// A tickerplant log that changes under qscope while it is open (#18): a user repairing a log
// truncates it, a tickerplant appends to it. Cut short, every reader path (index, verify,
// decode, export, the prefetcher that publish and replay use, the log view) reports "the file
// shrank from X to Y bytes while open: re-open it"; none dies of SIGBUS, as reads through a
// memory map of the file did. Grown, what was indexed stays valid and the view says it grew.

#include "net/connectionmanager.h"
#include "results/gridview.h"
#include "tplog/tplogprefetcher.h"
#include "tplog/tplogreader.h"
#include "tplog/tplogview.h"
#include "tplog/tplogwriter.h"
#include "tplogtestutil.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope;

namespace {

/// ftruncate, as a user cutting a corrupt log to `last -11!(-2;f)` does.
bool truncateTo(const QString &path, int64_t size)
{
    QFile f(path);
    return f.open(QIODevice::ReadWrite) && f.resize(size);
}

QString shrank(int64_t from, int64_t to)
{
    return QStringLiteral("the file shrank from %1 to %2 bytes while open: re-open it")
        .arg(from)
        .arg(to);
}

} // namespace

class TstTpLogTruncate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void truncatedAfterOpenThenIndexed();
    void truncatedAfterIndexThenDecodedPastTheNewEnd();
    void truncatedThenExported();
    void truncatedWhilePrefetching();
    void grownWhileOpen();
    void viewSaysTheFileShrank();
    void viewSaysTheFileGrew();

private:
    QTemporaryDir m_dir;
    QString m_path;
    int64_t m_chunks = 0;
    int64_t m_size = 0;
};

void TstTpLogTruncate::init()
{
    // 4 MB: more than one of the scan's windows, so the cut lands past what the first holds
    m_path = m_dir.filePath(QStringLiteral("sym2026.01.01"));
    m_chunks = test::writeTradeLog(m_path, int64_t(4) << 20, 4);
    QVERIFY(m_chunks > 10000);
    m_size = QFileInfo(m_path).size();
}

void TstTpLogTruncate::truncatedAfterOpenThenIndexed()
{
    tplog::TpLogReader r;
    QString err;
    QVERIFY2(r.open(m_path, &err), qPrintable(err));
    QVERIFY(truncateTo(m_path, m_size / 2));
    const tplog::LogSummary s = r.index();
    QCOMPARE(s.fileError, shrank(m_size, m_size / 2));
    QVERIFY(!s.isValid());
    QCOMPARE(s.badOffset, int64_t(-1)); // not a corrupt chunk: a file that went away
    QVERIFY(s.chunks > 0 && s.chunks < m_chunks);
    QVERIFY(s.validLength <= m_size / 2);
    QCOMPARE(r.fileError(), s.fileError);
    // verify() and decodes after it say the same
    QCOMPARE(r.verify().fileError, s.fileError);
    QVERIFY(!r.decode(0).ok());
    QCOMPARE(r.decode(0).error->message, s.fileError);
}

void TstTpLogTruncate::truncatedAfterIndexThenDecodedPastTheNewEnd()
{
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(m_path, &err));
    QVERIFY(r.index().isValid());
    QCOMPARE(r.chunkCount(), m_chunks);
    QVERIFY(r.decode(m_chunks - 1).ok());
    QVERIFY(truncateTo(m_path, m_size / 2));
    // a message past the new end (and not among the bytes read for the last one): a clear
    // error, not SIGBUS
    const int64_t i = m_chunks * 3 / 4;
    const Decoded past = r.decode(i);
    QVERIFY(!past.ok());
    QCOMPARE(past.error->message, shrank(m_size, m_size / 2));
    QCOMPARE(past.error->offset, r.chunk(i).offset);
    // and from then on every read says so: the bytes under the index are not the indexed ones
    QVERIFY(!r.decode(0).ok());
    QCOMPARE(r.fileError(), shrank(m_size, m_size / 2));
}

void TstTpLogTruncate::truncatedThenExported()
{
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(m_path, &err));
    QVERIFY(r.index().isValid());
    QVERIFY(truncateTo(m_path, m_size / 2));
    const QString out = m_dir.filePath(QStringLiteral("repaired"));
    QVERIFY(!r.exportValidPrefix(out, &err));
    QCOMPARE(err, shrank(m_size, m_size / 2));
    QVERIFY2(!QFile::exists(out), "a half-written export was left behind");
    err.clear();
    QVERIFY(!r.exportChunks(out, {0, m_chunks - 1}, &err));
    QCOMPARE(err, shrank(m_size, m_size / 2));
    QVERIFY(!QFile::exists(out));
}

void TstTpLogTruncate::truncatedWhilePrefetching()
{
    // what publish (to a server) and replay (into a feed) read through
    auto r = std::make_shared<tplog::TpLogReader>();
    QString err;
    QVERIFY(r->open(m_path, &err));
    QVERIFY(r->index().isValid());
    QVERIFY(truncateTo(m_path, m_size / 2));
    tplog::MessagePrefetcher p(r, tplog::MessageFilter{});
    QSignalSpy more(&p, &tplog::MessagePrefetcher::more);
    while (p.error().isEmpty() && !p.atEnd()) {
        const int before = int(more.count());
        p.fill();
        QTRY_VERIFY_WITH_TIMEOUT(more.count() > before, 30000);
        p.ready().clear(); // consumed
    }
    QCOMPARE(p.error(), shrank(m_size, m_size / 2));
    QVERIFY(p.chunksRead() < m_chunks);
}

void TstTpLogTruncate::grownWhileOpen()
{
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(m_path, &err));
    QVERIFY(r.index().isValid());
    auto w = tplog::TpLogWriter::open(m_path, &err);
    QVERIFY2(w, qPrintable(err));
    for (int i = 0; i < 100; ++i)
        QVERIFY(w->append(test::tradeUpd(0, 4, i), &err));
    w.reset();
    QVERIFY(r.currentSize() > r.size());
    QCOMPARE(r.size(), m_size);
    // what was indexed stays valid: the appended bytes are not read
    QVERIFY(r.decode(0).ok());
    QVERIFY(r.decode(m_chunks - 1).ok());
    const tplog::LogSummary v = r.verify();
    QVERIFY(v.isValid());
    QCOMPARE(v.chunks, m_chunks);
    QVERIFY(r.fileError().isEmpty());
    const QString out = m_dir.filePath(QStringLiteral("prefix"));
    QVERIFY2(r.exportValidPrefix(out, &err), qPrintable(err));
    QCOMPARE(QFileInfo(out).size(), m_size);
}

void TstTpLogTruncate::viewSaysTheFileShrank()
{
    ConnectionManager manager(1);
    TpLogView view(&manager);
    view.resize(1000, 700);
    view.show();
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(m_path);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(view.fileNote()->isHidden());
    QVERIFY(truncateTo(m_path, m_size / 2));
    QSignalSpy rows(&view, &TpLogView::rowsShown);
    view.messagesGrid()->selectRow(int(m_chunks - 1));
    QTRY_COMPARE_WITH_TIMEOUT(rows.count(), 1, 30000);
    QCOMPARE(rows.at(0).at(0).toLongLong(), qint64(-1));
    QVERIFY2(view.statusLabel()->text().isEmpty(), qPrintable(view.statusLabel()->text()));
    QCOMPARE(view.fileNote()->text(), shrank(m_size, m_size / 2));
    QVERIFY(view.fileNote()->isVisible());
    QVERIFY(view.reopenButton()->isVisible());
    // the export says it too, and re-opening reads the file as it is now
    QSignalSpy finished(&view, &TpLogView::actionFinished);
    view.exportValidPrefix(m_dir.filePath(QStringLiteral("out")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(finished.at(0).at(1).toString(), shrank(m_size, m_size / 2));
    QDir().mkpath(QStringLiteral("/work/shots"));
    view.grab().save(QStringLiteral("/work/shots/tplog-shrank.png"));
    view.reopenButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
    QVERIFY(view.fileNote()->isHidden());
    QCOMPARE(view.summary().fileSize, m_size / 2);
    QVERIFY(view.summary().badOffset > 0); // cut inside a message: a corrupt tail, as q says
}

void TstTpLogTruncate::viewSaysTheFileGrew()
{
    ConnectionManager manager(1);
    TpLogView view(&manager);
    view.resize(1000, 700);
    view.show();
    // a tickerplant appends while the view indexes: held at the first batch, one append
    bool appended = false;
    view.setIndexGate([&](const tplog::IndexProgress &) {
        if (appended) return;
        appended = true;
        QString err;
        auto w = tplog::TpLogWriter::open(m_path, &err);
        if (w) w->append(test::tradeUpd(0, 4, 1), &err);
    });
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(m_path);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(appended);
    QVERIFY(view.summary().isValid());
    QCOMPARE(view.reader()->chunkCount(), m_chunks);
    QVERIFY(view.fileNote()->isVisible());
    QVERIFY2(view.fileNote()->text().startsWith(QStringLiteral("the file grew by ")),
             qPrintable(view.fileNote()->text()));
    view.grab().save(QStringLiteral("/work/shots/tplog-grew.png"));
    view.reopenButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
    QCOMPARE(view.reader()->chunkCount(), m_chunks + 1);
    QVERIFY(view.fileNote()->isHidden());
}

QTEST_MAIN(TstTpLogTruncate)
#include "tst_tplogtruncate.moc"
