#include "framesmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace qscope {

FramesModel::FramesModel(QObject *parent) : QAbstractTableModel(parent) {}

QString FramesModel::typeName(quint8 type)
{
    switch (type) {
    case 0:
        return QStringLiteral("async");
    case 1:
        return QStringLiteral("sync");
    case 2:
        return QStringLiteral("response");
    default:
        return QStringLiteral("type %1").arg(type);
    }
}

void FramesModel::update(const QList<FrameRecord> &snapshot)
{
    std::vector<const FrameRecord *> fresh;
    for (const FrameRecord &f : snapshot)
        if (!m_any || f.seq > m_lastSeq) fresh.push_back(&f);
    if (fresh.empty()) return;
    const int keepNew = std::min<int>(int(fresh.size()), m_limit);
    const int drop = std::max(0, int(m_frames.size()) + keepNew - m_limit);
    if (drop > 0) {
        beginRemoveRows({}, 0, drop - 1);
        m_frames.erase(m_frames.begin(), m_frames.begin() + drop);
        endRemoveRows();
    }
    const int first = int(m_frames.size());
    beginInsertRows({}, first, first + keepNew - 1);
    for (size_t i = fresh.size() - size_t(keepNew); i < fresh.size(); ++i)
        m_frames.push_back(*fresh[i]);
    endInsertRows();
    m_lastSeq = fresh.back()->seq;
    m_any = true;
}

void FramesModel::clear()
{
    beginResetModel();
    m_frames.clear();
    m_lastSeq = 0;
    m_any = false;
    endResetModel();
}

void FramesModel::clearShown()
{
    beginResetModel();
    m_frames.clear();
    endResetModel();
}

void FramesModel::setLimit(int rows)
{
    m_limit = std::max(1, rows);
}

int FramesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_frames.size());
}

int FramesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FramesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const FrameRecord &f = m_frames[size_t(index.row())];
    if (role == Qt::ForegroundRole && index.column() == Direction)
        return QBrush(f.incoming ? QColor(21, 101, 192) : QColor(46, 125, 50));
    if (role == Qt::TextAlignmentRole && index.column() >= Wire)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole) return {};
    const QLocale loc;
    switch (index.column()) {
    case Seq:
        return QString::number(f.seq);
    case Time:
        return QDateTime::fromMSecsSinceEpoch(f.timestampNs / 1000000)
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case Direction:
        return f.incoming ? QStringLiteral("← in") : QStringLiteral("→ out");
    case Type:
        return typeName(f.messageType);
    case Compressed:
        return f.compressed ? QStringLiteral("yes") : QString();
    case Wire:
        return loc.toString(f.wireBytes);
    case Decoded:
        return loc.toString(f.decodedBytes);
    case RoundTrip:
        return f.roundTripNs >= 0
                   ? QString::number(double(f.roundTripNs) / 1e6, 'f', 3) + QStringLiteral(" ms")
                   : QString();
    default:
        return {};
    }
}

QVariant FramesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *names[] = {"#",          "time",       "direction",     "type",
                                  "compressed", "wire bytes", "decoded bytes", "round trip"};
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < ColumnCount)
        return QString::fromLatin1(names[section]);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace qscope
