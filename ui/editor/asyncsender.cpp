#include "editor/asyncsender.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"

namespace qscope {

namespace {

/// The statement as a q string literal.
QByteArray qString(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    out += '"';
    return out;
}

QString shortText(const QByteArray &statement)
{
    QString s = QString::fromUtf8(statement).simplified();
    if (s.size() > 60) s = s.left(59) + QStringLiteral("\u2026");
    return s;
}

} // namespace

AsyncSender::AsyncSender(ServerSessions *sessions, QObject *parent)
    : QObject(parent), m_sessions(sessions)
{
    connect(sessions, &ServerSessions::stateChanged, this, &AsyncSender::onState);
    connect(sessions->manager(), &ConnectionManager::resultReady, this, &AsyncSender::onResult);
    connect(sessions->manager(), &ConnectionManager::pushed, this, &AsyncSender::onPushed);
}

QByteArray AsyncSender::trapped(const QByteArray &statement)
{
    return QByteArrayLiteral("@[value;") + qString(statement) + QByteArrayLiteral(";{neg[.z.w](`") +
           errorTag() + QByteArrayLiteral(";x)}]");
}

QString AsyncSender::serverName(const QString &profileId) const
{
    const ConnectionProfile *p = m_sessions->store()->profile(profileId);
    return p ? p->name : profileId;
}

void AsyncSender::send(const QString &profileId, const QByteArray &statement, bool chaser)
{
    const Pending p{profileId, statement, chaser};
    if (m_sessions->isOpen(profileId)) {
        write(p);
        return;
    }
    // opened first (a password may be asked for); onState sends it or reports the failure
    m_waiting << p;
    m_sessions->connectProfile(profileId);
}

void AsyncSender::write(const Pending &p)
{
    ConnectionManager *manager = m_sessions->manager();
    const ConnectionId conn = m_sessions->connectionOf(p.profileId);
    if (!p.chaser) {
        manager->send(conn, Value::string(p.statement));
        Q_EMIT outcome(0, tr("Sent async to %1: \u201c%2\u201d (the server answers nothing; "
                             "turn on the chaser to hear of an error).")
                              .arg(serverName(p.profileId), shortText(p.statement)));
        return;
    }
    manager->send(conn, Value::string(trapped(p.statement)));
    const RequestId chase = manager->flush(conn);
    m_chases.insert(chase, Chase{p.profileId, p.statement, conn, {}});
}

void AsyncSender::onState(const QString &profileId, ConnectionState state, const QString &detail)
{
    // Closed: given up before it opened (a password prompt cancelled, a disconnect)
    if (state != ConnectionState::Open && state != ConnectionState::Failed &&
        state != ConnectionState::Closed)
        return;
    for (qsizetype i = 0; i < m_waiting.size();) {
        if (m_waiting[i].profileId != profileId) {
            ++i;
            continue;
        }
        const Pending p = m_waiting.takeAt(i);
        if (state == ConnectionState::Open)
            write(p);
        else
            Q_EMIT outcome(2,
                           tr("Not sent to %1: %2")
                               .arg(serverName(profileId),
                                    detail.isEmpty() ? tr("the connection was closed") : detail));
    }
}

void AsyncSender::onPushed(ConnectionId id, const Value &message)
{
    if (!message.isList() || message.count() != 2 || message.item(0).type() != -Symbol ||
        message.item(0).symbolValue() != errorTag())
        return; // not the trap's
    const Value word = message.item(1);
    const QByteArray text = word.type() == Char
                                ? QByteArray(word.rawData(), qsizetype(word.count()))
                            : word.type() == -Symbol ? word.symbolValue()
                                                     : QByteArrayLiteral("(not a string)");
    // the oldest chase on that connection still waiting is the one this failure belongs to
    Chase *oldest = nullptr;
    RequestId oldestId = 0;
    for (auto it = m_chases.begin(); it != m_chases.end(); ++it)
        if (it->connection == id && it->error.isNull() && (!oldest || it.key() < oldestId)) {
            oldest = &it.value();
            oldestId = it.key();
        }
    if (oldest) oldest->error = text.isNull() ? QByteArray("") : text;
}

void AsyncSender::onResult(const QueryResult &r)
{
    const auto it = m_chases.constFind(r.id);
    if (it == m_chases.constEnd()) return;
    const Chase c = *it;
    m_chases.erase(it);
    const QString name = serverName(c.profileId);
    if (!r.ok())
        Q_EMIT outcome(2, tr("Async to %1: the chaser got no answer (%2); whether \u201c%3\u201d "
                             "ran is unknown.")
                              .arg(name, r.error->message, shortText(c.statement)));
    else if (!c.error.isNull())
        Q_EMIT outcome(2, tr("Async to %1 failed on the server: '%2 in \u201c%3\u201d")
                              .arg(name, QString::fromUtf8(c.error), shortText(c.statement)));
    else
        Q_EMIT outcome(0, tr("Async to %1 ran without error: \u201c%2\u201d (chaser answered in "
                             "%3 ms).")
                              .arg(name, shortText(c.statement))
                              .arg(r.elapsedNs / 1000000.0, 0, 'f', 1));
}

} // namespace qscope
