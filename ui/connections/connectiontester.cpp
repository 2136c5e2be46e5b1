#include "connections/connectiontester.h"

namespace qscope {

ConnectionTester::ConnectionTester(ConnectionManager *manager, QObject *parent)
    : QObject(parent), m_manager(manager)
{
    connect(manager, &ConnectionManager::stateChanged, this, &ConnectionTester::onState);
    connect(manager, &ConnectionManager::resultReady, this, &ConnectionTester::onResult);
}

ConnectionTester::~ConnectionTester()
{
    if (m_connection) m_manager->close(m_connection);
}

void ConnectionTester::start(ConnectionOptions options)
{
    if (m_connection) m_manager->close(m_connection);
    options.name = tr("Test: %1").arg(options.name);
    options.reconnect.attempts = 0; // a test says what happened, it does not try again
    options.reconnect.retryFirstConnect = false;
    options.confirmAboveBytes = 0;
    m_request = 0;
    m_clock.start();
    m_connection = m_manager->open(options);
    if (!m_connection) end(false, tr("The connection could not be opened."));
}

void ConnectionTester::onState(ConnectionId id, ConnectionState state, const QString &detail)
{
    if (id != m_connection) return;
    if (state == ConnectionState::Open && !m_request) {
        m_connectMs = m_clock.elapsed();
        m_clock.restart();
        m_request = m_manager->query(id, QByteArray());
    } else if (state == ConnectionState::Failed || state == ConnectionState::Closed) {
        end(false,
            detail.isEmpty() ? tr("Failed: the connection closed.") : tr("Failed: %1").arg(detail));
    }
}

void ConnectionTester::onResult(const QueryResult &r)
{
    if (!m_request || r.id != m_request) return;
    const qint64 roundTripUs = m_clock.nsecsElapsed() / 1000;
    if (!r.ok()) {
        end(false, tr("Connected, but the server did not answer: %1").arg(r.error->message));
        return;
    }
    const HandleRegistry *reg = m_manager->registry();
    const int row = reg->rowOf(m_connection);
    const int capability = row >= 0 ? reg->at(row).capability : -1;
    end(true, tr("OK: logged in (%1 ms), capability %2 granted, round trip %3 ms.")
                  .arg(m_connectMs)
                  .arg(capability < 0 ? tr("unknown") : QString::number(capability))
                  .arg(roundTripUs / 1000.0, 0, 'f', 2));
}

void ConnectionTester::end(bool ok, const QString &report)
{
    const ConnectionId c = m_connection;
    m_connection = 0;
    m_request = 0;
    if (c) m_manager->close(c);
    Q_EMIT finished(ok, report);
}

} // namespace qscope
