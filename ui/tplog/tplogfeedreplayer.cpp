#include "tplog/tplogfeedreplayer.h"

#include "monitor/feedpane.h"

#include <cstring>

namespace qscope {

TpLogFeedReplayer::TpLogFeedReplayer(std::shared_ptr<const tplog::TpLogReader> reader,
                                     tplog::MessageFilter filter, double speed, FeedPane *pane,
                                     QObject *parent)
    : QObject(parent), m_reader(std::move(reader)), m_filter(std::move(filter)), m_speed(speed),
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
    const int64_t total = m_reader->chunkCount();
    FeedBatch batch;
    QElapsedTimer budget;
    budget.start();
    while (m_next < total && budget.elapsed() < 10) {
        const tplog::ChunkInfo &c = m_reader->chunk(m_next);
        if (!m_filter.mayMatch(*m_reader, c)) {
            ++m_next;
            continue;
        }
        if (m_speed > 0 && c.timeType) {
            if (m_firstTime == INT64_MIN) m_firstTime = c.time;
            const double due = double(c.time - m_firstTime) / m_speed / 1e6;
            if (due > double(m_clock.nsecsElapsed()) / 1e6) break; // the next tick
        }
        const Decoded d = m_reader->decode(m_next);
        ++m_next;
        if (!d.ok()) continue;
        const Value m = m_filter.apply(d.value);
        if (!m.isList() || m.count() < 3 || m.item(1).type() != -Symbol) continue;
        const Value t = asTable(m.item(2));
        if (!t.isTable()) continue;
        batch.updates.append(t);
        batch.tables.append(m.item(1).symbolValue());
        batch.updateMessages.append(1);
        ++batch.messages;
        batch.rows += t.count();
        batch.bytes += m_reader->chunkEnd(m_next - 1) - c.offset;
    }
    if (batch.messages) {
        m_pane->ingest(batch);
        m_messages += batch.messages;
        m_rows += batch.rows;
    }
    Q_EMIT progress(m_next, total, m_messages, m_rows);
    if (m_next >= total) {
        m_running = false;
        m_timer.stop();
        Q_EMIT finished(true, QString(), m_messages, m_rows);
    }
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
            c = tplog::takeRows(Value::list({c}), {0});
            if (c.isList()) { // a list of one atom: make it a one-element vector
                const Value a = c.item(0);
                if (a.type() == -Symbol)
                    c = Value::symbols({a.symbolValue()});
                else if (elementSize(a.type()) > 0) {
                    Bytes b = Bytes::allocate(size_t(elementSize(a.type())));
                    if (a.type() == -Float || a.type() == -Datetime) {
                        const double d = a.floatValue();
                        std::memcpy(b.mutableData(), &d, sizeof d);
                    } else if (a.type() == -Real) {
                        const float f = a.realValue();
                        std::memcpy(b.mutableData(), &f, sizeof f);
                    } else {
                        const int64_t raw = a.rawInt();
                        std::memcpy(b.mutableData(), &raw, size_t(elementSize(a.type())));
                    }
                    c = Value::vector(-a.type(), std::move(b), 1);
                }
            }
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
