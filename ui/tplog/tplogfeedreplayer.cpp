#include "tplog/tplogfeedreplayer.h"

#include "monitor/feedpane.h"

#include "protocol/columnops.h"

namespace qscope {

TpLogFeedReplayer::TpLogFeedReplayer(std::shared_ptr<const tplog::TpLogReader> reader,
                                     tplog::MessageFilter filter, double speed, FeedPane *pane,
                                     QObject *parent)
    : QObject(parent), m_reader(reader), m_prefetch(reader, std::move(filter)), m_speed(speed),
      m_pane(pane)
{
    connect(&m_timer, &QTimer::timeout, this, &TpLogFeedReplayer::tick);
}

void TpLogFeedReplayer::start()
{
    m_running = true;
    m_clock.start();
    m_timer.start(FeedPane::kTickMs);
    tick();
}

void TpLogFeedReplayer::cancel()
{
    if (!m_running) return;
    m_running = false;
    m_timer.stop();
    Q_EMIT finished(false, tr("cancelled"), m_messages, m_rows);
}

void TpLogFeedReplayer::tick()
{
    if (!m_running) return;
    FeedBatch batch;
    std::deque<tplog::MessagePrefetcher::Message> &ready = m_prefetch.ready();
    while (!ready.empty() && batch.messages < 20000) {
        const tplog::MessagePrefetcher::Message &m = ready.front();
        if (m_speed > 0 && m.timeType) {
            if (m_firstTime == INT64_MIN) m_firstTime = m.time;
            const double due = double(m.time - m_firstTime) / m_speed / 1e6;
            if (due > double(m_clock.nsecsElapsed()) / 1e6) break; // a later tick
        }
        const Value t = asTable(m.message.item(2));
        if (t.isTable() && m.message.item(1).type() == -Symbol) {
            batch.updates.append(t);
            batch.tables.append(m.message.item(1).symbolValue());
            batch.updateMessages.append(1);
            ++batch.messages;
            batch.rows += t.count();
            batch.bytes += m.bytes;
        }
        ready.pop_front();
    }
    if (batch.messages) {
        m_pane->ingest(batch);
        m_messages += batch.messages;
        m_rows += batch.rows;
    }
    Q_EMIT progress(m_prefetch.chunksRead(), m_reader->chunkCount(), m_messages, m_rows);
    if (ready.empty() && !m_prefetch.error().isEmpty()) {
        m_running = false;
        m_timer.stop();
        Q_EMIT finished(false, m_prefetch.error(), m_messages, m_rows);
        return;
    }
    if (m_prefetch.atEnd()) {
        m_running = false;
        m_timer.stop();
        Q_EMIT finished(true, QString(), m_messages, m_rows);
        return;
    }
    m_prefetch.fill();
}

Value TpLogFeedReplayer::asTable(const Value &x)
{
    if (x.isTable()) return x;
    if (!x.isList() || x.count() == 0) return Value();
    std::vector<Value> cols = x.items();
    const bool oneRow = cols.front().isAtom();
    std::vector<QByteArray> names;
    bool symNamed = false;
    for (size_t i = 0; i < cols.size(); ++i) {
        Value &c = cols[i];
        if (oneRow) {
            if (!c.isAtom()) return Value();
            c = vectorFromAtoms({c}); // one row's atom: a one-element vector
        }
        QByteArray name = "c" + QByteArray::number(qsizetype(i));
        if (i == 0 && (c.type() == Timespan || c.type() == Timestamp)) name = "time";
        if (!symNamed && c.type() == Symbol) name = "sym", symNamed = true;
        names.push_back(name);
    }
    const int64_t n = cols.front().count();
    for (const Value &c : cols)
        if ((!c.isVector() && !c.isList()) || c.count() != n) return Value();
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

} // namespace qscope
