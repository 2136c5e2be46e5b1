#include "tplog/tplogpublisher.h"

namespace qscope::tplog {

TpLogPublisher::TpLogPublisher(std::shared_ptr<const TpLogReader> reader,
                               ConnectionManager *manager, ConnectionId connection, Options options,
                               QObject *parent)
    : QObject(parent), m_reader(std::move(reader)), m_manager(manager), m_connection(connection),
      m_options(std::move(options))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TpLogPublisher::pump);
    connect(m_manager, &ConnectionManager::resultReady, this, &TpLogPublisher::onResult);
}

void TpLogPublisher::start()
{
    m_running = true;
    m_clock.start();
    m_timer.start(0);
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
    const int64_t total = m_reader->chunkCount();
    QElapsedTimer slice;
    slice.start();
    const Value fn = Value::symbol(m_options.function);
    while (m_next < total && slice.elapsed() < 8) {
        const ChunkInfo &c = m_reader->chunk(m_next);
        if (!m_options.filter.mayMatch(*m_reader, c)) {
            ++m_next;
            continue;
        }
        if (m_options.speed > 0 && c.timeType) {
            // original pace (or N times it): wait until this message's time has come
            if (m_firstTime == INT64_MIN) m_firstTime = c.time;
            const double due = double(c.time - m_firstTime) / m_options.speed / 1e6; // ms
            const double now = double(m_clock.nsecsElapsed()) / 1e6;
            if (due > now + 1) {
                m_timer.start(int(std::min(due - now, 1000.0)));
                return;
            }
        }
        const Decoded d = m_reader->decode(m_next);
        ++m_next;
        if (!d.ok()) continue;
        const Value msg = m_options.filter.apply(d.value);
        if (msg.isGenericNull() || !msg.isList() || msg.count() < 3) continue;
        std::vector<Value> parts = msg.items();
        parts[0] = fn;
        const Value &x = parts[2];
        const qint64 rows =
            x.isTable()
                ? x.count()
                : (x.isList() && x.count() > 0 && !x.item(0).isAtom() ? x.item(0).count() : 1);
        m_manager->send(m_connection, Value::list(std::move(parts)));
        ++m_sent;
        m_sentRows += rows;
        if (++m_inBatch >= m_options.batch) break;
    }
    if (m_inBatch >= m_options.batch || m_next >= total) {
        // chaser: its answer means the server has read every message sent before it
        m_inBatch = 0;
        m_chaser = m_manager->query(m_connection, QByteArray(), 0);
        return;
    }
    m_timer.start(0);
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
    Q_EMIT progress(m_next, m_reader->chunkCount(), m_acked, m_ackedRows);
    if (m_next >= m_reader->chunkCount()) {
        finish(true, QString());
        return;
    }
    m_timer.start(0);
}

} // namespace qscope::tplog
