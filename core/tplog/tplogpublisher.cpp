#include "tplog/tplogpublisher.h"

namespace qscope::tplog {

TpLogPublisher::TpLogPublisher(std::shared_ptr<const TpLogReader> reader,
                               ConnectionManager *manager, ConnectionId connection, Options options,
                               QObject *parent)
    : QObject(parent), m_reader(reader), m_prefetch(reader, options.filter), m_manager(manager),
      m_connection(connection), m_options(std::move(options))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TpLogPublisher::pump);
    connect(&m_prefetch, &MessagePrefetcher::more, this, &TpLogPublisher::pump);
    connect(m_manager, &ConnectionManager::resultReady, this, &TpLogPublisher::onResult);
}

void TpLogPublisher::start()
{
    m_running = true;
    m_clock.start();
    m_prefetch.fill();
}

void TpLogPublisher::cancel()
{
    if (m_running) finish(false, QStringLiteral("cancelled"));
}

void TpLogPublisher::finish(bool ok, const QString &message)
{
    m_running = false;
    m_timer.stop();
    m_chaser = 0;
    Q_EMIT finished(ok, message, m_acked, m_ackedRows);
}

void TpLogPublisher::pump()
{
    if (!m_running || m_chaser) return;
    const Value fn = Value::symbol(m_options.function);
    std::deque<MessagePrefetcher::Message> &ready = m_prefetch.ready();
    while (!ready.empty() && m_inBatch < m_options.batch) {
        const MessagePrefetcher::Message &m = ready.front();
        if (m_options.speed > 0 && m.timeType) {
            // original pace (or N times it): wait until this message's time has come
            if (m_firstTime == INT64_MIN) m_firstTime = m.time;
            const double due = double(m.time - m_firstTime) / m_options.speed / 1e6; // ms
            const double now = double(m_clock.nsecsElapsed()) / 1e6;
            if (due > now + 1) {
                m_timer.start(int(std::min(due - now, 1000.0)));
                return;
            }
        }
        std::vector<Value> parts = m.message.items();
        parts[0] = fn;
        m_manager->send(m_connection, Value::list(std::move(parts)));
        ++m_sent;
        m_sentRows += m.rows;
        ++m_inBatch;
        ready.pop_front();
    }
    if (ready.empty() && !m_prefetch.error().isEmpty()) {
        finish(false, m_prefetch.error());
        return;
    }
    const bool end = m_prefetch.atEnd();
    if (m_inBatch >= m_options.batch || (end && m_inBatch > 0) || (end && m_acked == 0)) {
        // chaser: its answer means the server has read every message sent before it
        m_inBatch = 0;
        m_chaser = m_manager->query(m_connection, QByteArray(), 0);
        return;
    }
    if (end) {
        finish(true, QString());
        return;
    }
    m_prefetch.fill(); // `more` calls pump again
}

void TpLogPublisher::onResult(const QueryResult &r)
{
    if (!m_running || r.id != m_chaser) return;
    m_chaser = 0;
    if (!r.ok()) {
        finish(false, r.error->message);
        return;
    }
    m_acked = m_sent;
    m_ackedRows = m_sentRows;
    Q_EMIT progress(m_prefetch.chunksRead(), m_reader->chunkCount(), m_acked, m_ackedRows);
    if (m_prefetch.atEnd()) {
        finish(true, QString());
        return;
    }
    pump();
}

} // namespace qscope::tplog
