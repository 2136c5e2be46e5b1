#include "serverhandlespoller.h"

#include "cellformat.h"
#include "serverhandlesmodel.h"

#include "protocol/columnops.h"

#include <QDateTime>
#include <QTimer>

namespace qscope {
namespace {
/// In the order queries() sends them (kdb+ answers a connection's requests in order).
enum Query { Sockets, Main, SocketInfo, Subscriptions };

} // namespace

QList<QByteArray> ServerHandlesPoller::queries()
{
    return {".z.H", "(.z.W;.z.w;.Q.w[];.z.K;.z.k;.z.o;.z.i)", "(key .z.W;-38!key .z.W)", ".u.w"};
}

ServerHandlesPoller::ServerHandlesPoller(ConnectionManager *manager, ServerHandlesModel *model,
                                         QObject *parent)
    : QObject(parent), m_manager(manager), m_model(model), m_timer(new QTimer(this))
{
    m_timer->setInterval(m_interval);
    connect(m_timer, &QTimer::timeout, this, &ServerHandlesPoller::pollNow);
    if (m_manager)
        connect(m_manager, &ConnectionManager::resultReady, this, &ServerHandlesPoller::onResult);
}

void ServerHandlesPoller::setServer(ConnectionId id)
{
    if (m_manager && m_server) m_manager->registry()->setActivity(m_server, QString());
    m_server = id;
    m_requests.clear(); // answers to an old server's poll are ignored
    updateTimer();
    if (isPolling()) pollNow();
}

void ServerHandlesPoller::setInterval(int ms)
{
    m_interval = ms <= 0 ? 0 : std::max(100, ms);
    updateTimer();
}

void ServerHandlesPoller::setRunning(bool running)
{
    if (running == m_running) return;
    m_running = running;
    updateTimer();
    if (isPolling()) pollNow();
}

bool ServerHandlesPoller::isPolling() const
{
    return m_running && m_interval > 0 && m_server;
}

void ServerHandlesPoller::updateTimer()
{
    if (!isPolling()) {
        m_timer->stop();
        return;
    }
    m_timer->setInterval(m_interval);
    if (!m_timer->isActive()) m_timer->start();
}

void ServerHandlesPoller::pollNow()
{
    if (!m_manager || !m_server || m_manager->state(m_server) != ConnectionState::Open) return;
    for (RequestId r : m_requests)
        if (r) return; // the previous poll is still out
    m_requests.clear();
    m_pollErrors.clear();
    for (const QByteArray &q : queries())
        m_requests << m_manager->query(m_server, q);
    m_manager->registry()->setActivity(
        m_server,
        QStringLiteral("poll: %1 queries (.z.H, .z.W, -38!, .u.w)").arg(m_requests.size()));
}

void ServerHandlesPoller::onResult(const QueryResult &r)
{
    const int which = int(m_requests.indexOf(r.id));
    if (which < 0 || r.id == 0) return;
    m_requests[which] = 0;
    QString err;
    if (which == Main) {
        if (!r.ok()) {
            err = QStringLiteral("'%1 from %2").arg(r.error->message, QString::fromUtf8(r.query));
        } else if (!r.value.isList() || r.value.count() != 7) {
            err = QStringLiteral("unexpected reply to %1").arg(QString::fromUtf8(r.query));
        } else {
            const Value &v = r.value;
            if (!m_model->setHandles(v.item(0), m_zH, v.item(1), &err))
                err = QStringLiteral("%1 (from %2)").arg(err, QString::fromUtf8(r.query));
            const Value &w = v.item(2);
            double used = 0, heap = 0;
            if (detail::atomNumber(dictValue(w, "used"), &used) &&
                detail::atomNumber(dictValue(w, "heap"), &heap))
                Q_EMIT memorySample(QDateTime::currentMSecsSinceEpoch(), used, heap);
            Q_EMIT serverInfo(QStringLiteral("kdb+ %1 %2 on %3, pid %4")
                                  .arg(detail::atomText(v.item(3)), detail::atomText(v.item(4)),
                                       detail::atomText(v.item(5)), detail::atomText(v.item(6))));
        }
    } else if (which == Sockets) {
        // .z.H is kdb+ 4.0+; on an older server it fails, and .z.W alone lists the handles.
        m_zH = r.ok() ? r.value : Value();
    } else if (which == SocketInfo) {
        if (!r.ok())
            err = QStringLiteral("'%1 from %2").arg(r.error->message, QString::fromUtf8(r.query));
        else if (r.value.isList() && r.value.count() == 2)
            m_model->setSocketInfo(r.value.item(0), r.value.item(1), &err);
    } else if (which == Subscriptions) {
        // Not a tickerplant: no .u.w, so no subscriptions (not an error).
        m_model->setSubscriptions(r.ok() ? r.value : Value(), &err);
    }
    if (!err.isEmpty())
        m_pollErrors += (m_pollErrors.isEmpty() ? QString() : QStringLiteral("; ")) + err;
    for (RequestId id : m_requests)
        if (id) return;
    ++m_completed;
    m_manager->registry()->setActivity(m_server, QString());
    m_lastError = m_pollErrors;
    if (!m_pollErrors.isEmpty()) Q_EMIT pollError(m_pollErrors);
    Q_EMIT polled();
}

} // namespace qscope
