#pragma once
/// Publishes the messages of a log to a q server, as a feed handler would: each message
/// (`upd;`t;x) goes as an async (function;`t;x) (.u.upd by default) on a ConnectionManager
/// connection, filtered by a MessageFilter, at the original pace, N times it, or as fast as the
/// server takes them. Every 500 messages a sync chaser (h"") waits for the server to have read
/// everything sent so far: progress counts what it acknowledged, and no more than one such batch
/// is ever queued in memory. Messages are decoded and filtered ahead on the thread pool
/// (MessagePrefetcher); the owner's thread only sends them. cancel() stops between messages.
///
/// Thread: the thread of the ConnectionManager (the GUI thread in the app).

#include "net/connectionmanager.h"
#include "tplog/tplogfilter.h"
#include "tplog/tplogprefetcher.h"
#include "tplog/tplogreader.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace qscope::tplog {

class TpLogPublisher : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QByteArray function = ".u.upd";
        MessageFilter filter;
        double speed = 0; ///< 0 = as fast as possible, 1 = original pace, N = N times faster
        int batch = 500;  ///< messages between sync chasers
    };

    /// reader must be indexed and outlive the publisher.
    TpLogPublisher(std::shared_ptr<const TpLogReader> reader, ConnectionManager *manager,
                   ConnectionId connection, Options options, QObject *parent = nullptr);

    void start();
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    /// Chunks looked at so far, of total; messages and rows sent and acknowledged.
    void progress(qint64 chunksDone, qint64 chunksTotal, qint64 messagesAcked, qint64 rowsAcked);
    /// Done: ok, or the reason (q error of the chaser, connection lost, cancelled).
    void finished(bool ok, const QString &message, qint64 messages, qint64 rows);

private:
    void pump();
    void onResult(const QueryResult &r);
    void finish(bool ok, const QString &message);

    std::shared_ptr<const TpLogReader> m_reader;
    MessagePrefetcher m_prefetch;
    ConnectionManager *m_manager;
    ConnectionId m_connection;
    Options m_options;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int64_t m_firstTime = INT64_MIN;
    int m_inBatch = 0;
    RequestId m_chaser = 0;
    qint64 m_sent = 0, m_sentRows = 0, m_acked = 0, m_ackedRows = 0;
    bool m_running = false;
};

} // namespace qscope::tplog
