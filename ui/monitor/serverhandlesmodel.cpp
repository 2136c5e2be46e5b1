#include "serverhandlesmodel.h"

#include "cellformat.h"

#include "protocol/columnops.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

#include <algorithm>

namespace qscope {
namespace {

bool intOf(const Value &v, int64_t i, int64_t *out)
{
    if (v.isAtom()) {
        if (v.type() != -Int && v.type() != -Long && v.type() != -Short) return false;
        *out = v.rawInt();
        return true;
    }
    switch (v.type()) {
    case Int:
        *out = v.at<int32_t>(i);
        return true;
    case Long:
        *out = v.at<int64_t>(i);
        return true;
    case Short:
        *out = v.at<int16_t>(i);
        return true;
    case List:
        return intOf(v.item(i), 0, out);
    default:
        return false;
    }
}

qint64 sumOf(const Value &v)
{
    double d = 0;
    if (v.isAtom()) return detail::atomNumber(v, &d) ? qint64(d) : 0;
    qint64 s = 0;
    for (int64_t i = 0; i < v.count(); ++i)
        if (detail::cellNumber(v, i, &d)) s += qint64(d);
    return s;
}

QString charAt(const Value &col, int64_t i)
{
    if (col.type() == Char) return QString(QLatin1Char(col.at<char>(i)));
    if (col.type() == Symbol) return QString::fromUtf8(col.symAt(i));
    return detail::cellText(col, i);
}

} // namespace

ServerHandlesModel::ServerHandlesModel(QObject *parent) : QAbstractTableModel(parent) {}

ServerHandlesModel::Row *ServerHandlesModel::find(int handle)
{
    for (Row &r : m_rows)
        if (r.handle == handle) return &r;
    return nullptr;
}

int ServerHandlesModel::rowOfHandle(int handle) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].handle == handle) return int(i);
    return -1;
}

void ServerHandlesModel::apply(std::vector<Row> rows)
{
    std::sort(rows.begin(), rows.end(),
              [](const Row &a, const Row &b) { return a.handle < b.handle; });
    bool sameKeys = rows.size() == m_rows.size();
    for (size_t i = 0; sameKeys && i < rows.size(); ++i)
        sameKeys = rows[i].handle == m_rows[i].handle;
    if (!sameKeys) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    } else {
        m_rows = std::move(rows);
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    }
}

bool ServerHandlesModel::setHandles(const Value &zW, const Value &zH, const Value &own,
                                    QString *error)
{
    if (!zW.isDict()) {
        *error = QStringLiteral(".z.W is not a dictionary (type %1)").arg(zW.type());
        return false;
    }
    int64_t o = -1;
    if (intOf(own, 0, &o)) m_own = int(o);
    std::vector<Row> rows;
    const Value &keys = zW.keys();
    const Value &vals = zW.values();
    for (int64_t i = 0; i < keys.count(); ++i) {
        int64_t h = 0;
        if (!intOf(keys, i, &h)) {
            *error = QStringLiteral(".z.W keys are not handles (type %1)").arg(keys.type());
            return false;
        }
        Row r;
        r.handle = int(h);
        r.queued = vals.isList() ? sumOf(vals.item(i)) : sumOf(vals.element(i));
        rows.push_back(r);
    }
    if (zH.isVector() || zH.isList()) {
        for (int64_t i = 0; i < zH.count(); ++i) {
            int64_t h = 0;
            if (!intOf(zH, i, &h)) continue;
            if (std::none_of(rows.begin(), rows.end(),
                             [&](const Row &r) { return r.handle == h; })) {
                Row r;
                r.handle = int(h);
                rows.push_back(r);
            }
        }
    }
    for (Row &r : rows) {
        r.ours = r.handle == m_own;
        if (const Row *old = find(r.handle)) {
            r.protocol = old->protocol;
            r.family = old->family;
            r.subscriptions = old->subscriptions;
        }
        auto a = m_agent.constFind(r.handle);
        if (a != m_agent.cend()) {
            r.tracked = true;
            r.ip = a->ip;
            r.user = a->user;
            r.opened = a->opened;
            r.closed = a->closed;
            r.syncCount = a->syncCount;
            r.asyncCount = a->asyncCount;
        }
    }
    apply(std::move(rows));
    return true;
}

bool ServerHandlesModel::setSocketInfo(const Value &handles, const Value &info, QString *error)
{
    Value p, f;
    if (info.isTable()) {
        const int pi = info.columnIndex("p"), fi = info.columnIndex("f");
        if (pi < 0 || fi < 0) {
            *error = QStringLiteral("-38! returned a table without p and f");
            return false;
        }
        p = info.columns().item(pi);
        f = info.columns().item(fi);
    } else if (info.isDict()) {
        p = dictValue(info, "p");
        f = dictValue(info, "f");
    } else {
        *error = QStringLiteral("-38! returned type %1").arg(info.type());
        return false;
    }
    std::vector<Row> rows = m_rows;
    for (int64_t i = 0; i < handles.count(); ++i) {
        int64_t h = 0;
        if (!intOf(handles, i, &h)) continue;
        for (Row &r : rows)
            if (r.handle == h) {
                r.protocol = p.isAtom() ? detail::atomText(p) : charAt(p, i);
                r.family = f.isAtom() ? detail::atomText(f) : charAt(f, i);
                if (r.protocol == QLatin1String("q"))
                    r.protocol = QStringLiteral("q (IPC)");
                else if (r.protocol == QLatin1String("w"))
                    r.protocol = QStringLiteral("w (websocket)");
                if (r.family == QLatin1String("t"))
                    r.family = QStringLiteral("t (TCP)");
                else if (r.family == QLatin1String("u"))
                    r.family = QStringLiteral("u (unix)");
            }
    }
    apply(std::move(rows));
    return true;
}

bool ServerHandlesModel::setSubscriptions(const Value &uw, QString *error)
{
    std::vector<Row> rows = m_rows;
    for (Row &r : rows)
        r.subscriptions.clear();
    if (!uw.isGenericNull()) {
        if (!uw.isDict() || uw.keys().type() != Symbol) {
            *error = QStringLiteral(".u.w is not a table->subscribers dictionary");
            return false;
        }
        for (int64_t t = 0; t < uw.keys().count(); ++t) {
            const QString table = QString::fromUtf8(uw.keys().symAt(t));
            const Value subs = uw.values().isList() ? uw.values().item(t) : Value();
            for (int64_t s = 0; s < subs.count(); ++s) {
                const Value pair = subs.isList() ? subs.item(s) : Value();
                if (!pair.isList() || pair.count() != 2) continue;
                int64_t h = 0;
                if (!intOf(pair.item(0), 0, &h)) continue;
                const Value &syms = pair.item(1);
                QString what = table + QLatin1Char(':');
                if (syms.type() == -Symbol)
                    what += QLatin1Char('`') + QString::fromUtf8(syms.symbolValue());
                else
                    for (int64_t k = 0; k < syms.count(); ++k)
                        what += QLatin1Char('`') + detail::cellText(syms, k);
                for (Row &r : rows)
                    if (r.handle == h) r.subscriptions << what;
            }
        }
    }
    apply(std::move(rows));
    return true;
}

void ServerHandlesModel::setAgentRow(int handle, const Value &row)
{
    Row a;
    a.handle = handle;
    a.tracked = true;
    const Value ip = dictValue(row, "ip");
    if (ip.type() == -Int && !ip.isNull()) {
        const quint32 x = quint32(ip.intValue());
        a.ip = QStringLiteral("%1.%2.%3.%4")
                   .arg(x >> 24)
                   .arg((x >> 16) & 255)
                   .arg((x >> 8) & 255)
                   .arg(x & 255);
    }
    a.user = detail::atomText(dictValue(row, "user"));
    a.opened = detail::atomText(dictValue(row, "opened"));
    a.closed = detail::atomText(dictValue(row, "closed"));
    double d = 0;
    a.syncCount = detail::atomNumber(dictValue(row, "sync"), &d) ? qint64(d) : -1;
    a.asyncCount = detail::atomNumber(dictValue(row, "async"), &d) ? qint64(d) : -1;
    m_agent.insert(handle, a);
    std::vector<Row> rows = m_rows;
    bool found = false;
    for (Row &r : rows)
        if (r.handle == handle) {
            found = true;
            r.tracked = true;
            r.ip = a.ip;
            r.user = a.user;
            r.opened = a.opened;
            r.closed = a.closed;
            r.syncCount = a.syncCount;
            r.asyncCount = a.asyncCount;
        }
    if (!found) {
        Row r = a;
        r.ours = handle == m_own;
        rows.push_back(r);
    }
    apply(std::move(rows));
}

bool ServerHandlesModel::setAgentTable(const Value &kt, QString *error)
{
    if (!kt.isKeyedTable()) {
        *error = QStringLiteral(".qscope.track is not a keyed table");
        return false;
    }
    const Value &keys = kt.keys();   // table (handle)
    const Value &vals = kt.values(); // table (ip user ...)
    const Value &hcol = keys.columns().item(0);
    for (int64_t i = 0; i < kt.count(); ++i) {
        int64_t h = 0;
        if (intOf(hcol, i, &h)) setAgentRow(int(h), vals.element(i));
    }
    return true;
}

void ServerHandlesModel::clearAgent()
{
    m_agent.clear();
    std::vector<Row> rows = m_rows;
    for (Row &r : rows) {
        r.tracked = false;
        r.ip.clear();
        r.user.clear();
        r.opened.clear();
        r.closed.clear();
        r.syncCount = r.asyncCount = -1;
    }
    apply(std::move(rows));
}

void ServerHandlesModel::setSlowThreshold(qint64 bytes)
{
    m_slow = std::max<qint64>(1, bytes);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int ServerHandlesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServerHandlesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServerHandlesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Row &r = m_rows[size_t(index.row())];
    const bool slow = r.queued >= m_slow;
    switch (role) {
    case HandleRole:
        return r.handle;
    case SlowRole:
        return slow;
    case Qt::BackgroundRole:
        if (slow) return QBrush(QColor(255, 171, 145));
        if (r.ours) return QBrush(QColor(200, 230, 201));
        return {};
    case Qt::FontRole:
        if (r.ours) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        return r.closed.isEmpty() ? QVariant() : QVariant(QBrush(QColor(120, 120, 120)));
    case Qt::ToolTipRole:
        if (slow)
            return tr("Slow consumer: %1 bytes queued on the server for this handle").arg(r.queued);
        if (r.ours) return tr("This app's own handle (.z.w of the poll)");
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const QLocale loc;
    switch (index.column()) {
    case Handle:
        return r.handle;
    case Ours:
        return r.ours ? tr("ours") : QString();
    case Queued:
        return loc.toString(r.queued);
    case Protocol:
        return r.protocol;
    case Family:
        return r.family;
    case Subscriptions:
        return r.subscriptions.join(QStringLiteral(", "));
    case Ip:
        return r.ip;
    case User:
        return r.user;
    case Opened:
        return r.opened;
    case Closed:
        return r.closed;
    case SyncCount:
        return r.syncCount >= 0 ? QVariant(r.syncCount) : QVariant();
    case AsyncCount:
        return r.asyncCount >= 0 ? QVariant(r.asyncCount) : QVariant();
    default:
        return {};
    }
}

QVariant ServerHandlesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *names[] = {"handle", "note",          "queued bytes", "protocol",
                                  "family", "subscriptions", "ip",           "user",
                                  "opened", "closed",        "sync",         "async"};
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < ColumnCount)
        return QString::fromLatin1(names[section]);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace qscope
