#include "tplog/tplogmessagesmodel.h"

#include "protocol/format.h"

namespace qscope {

TpLogMessagesModel::TpLogMessagesModel(QObject *parent) : QAbstractTableModel(parent) {}

void TpLogMessagesModel::setReader(std::shared_ptr<const tplog::TpLogReader> reader)
{
    if (!reader) {
        beginResetModel();
        m_reader.reset();
        m_rows.reset();
        m_chunks = 0;
        m_functions.clear();
        m_tables.clear();
        endResetModel();
        return;
    }
    std::vector<QByteArray> tables;
    for (const tplog::TableStats &t : reader->summary().tables)
        tables.push_back(t.name);
    const int64_t n = reader->chunkCount();
    std::vector<QByteArray> functions = reader->functionNames();
    setIndexed(std::move(reader), n, std::move(functions), std::move(tables));
}

void TpLogMessagesModel::setIndexed(std::shared_ptr<const tplog::TpLogReader> reader,
                                    int64_t chunks, std::vector<QByteArray> functions,
                                    std::vector<QByteArray> tables)
{
    const auto cap = [](int64_t n) { return int(std::min<int64_t>(n, INT32_MAX)); };
    if (reader != m_reader) {
        beginResetModel();
        m_reader = std::move(reader);
        m_rows.reset();
        m_chunks = chunks;
        m_functions = std::move(functions);
        m_tables = std::move(tables);
        endResetModel();
        return;
    }
    // ids are never renumbered, only added: rows shown keep their text
    m_functions = std::move(functions);
    m_tables = std::move(tables);
    if (chunks <= m_chunks) return;
    const int before = cap(m_chunks);
    const int after = cap(chunks);
    if (m_rows || after == before) { // a filtered view keeps its rows; the count moves on
        m_chunks = chunks;
        return;
    }
    beginInsertRows(QModelIndex(), before, after - 1);
    m_chunks = chunks;
    endInsertRows();
}

void TpLogMessagesModel::setRows(std::shared_ptr<const std::vector<int64_t>> chunks)
{
    beginResetModel();
    m_rows = std::move(chunks);
    endResetModel();
}

int64_t TpLogMessagesModel::chunkAt(int row) const
{
    if (row < 0 || row >= rowCount()) return -1;
    return m_rows ? (*m_rows)[size_t(row)] : int64_t(row);
}

TpLogSelection TpLogMessagesModel::messagesOf(const QItemSelection &selection) const
{
    return TpLogSelection(SelectionRanges::of(selection).rows, m_rows);
}

int TpLogMessagesModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_reader) return 0;
    const int64_t n = m_rows ? int64_t(m_rows->size()) : m_chunks;
    return int(std::min<int64_t>(n, INT32_MAX));
}

int TpLogMessagesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TpLogMessagesModel::timeText(int64_t raw, int timeType)
{
    if (timeType != Timespan && timeType != Timestamp) return QString();
    return QString::fromUtf8(formatAtom(Value::atom(-timeType, raw)));
}

QVariant TpLogMessagesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_reader) return {};
    const int64_t i = chunkAt(index.row());
    if (i < 0) return {};
    if (role == Qt::TextAlignmentRole) {
        const bool number =
            index.column() == Index || index.column() == Offset || index.column() == Rows;
        return QVariant::fromValue(Qt::Alignment(number ? Qt::AlignRight | Qt::AlignVCenter
                                                        : Qt::AlignLeft | Qt::AlignVCenter));
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    const tplog::ChunkInfo &c = m_reader->chunk(i);
    switch (index.column()) {
    case Index:
        return QString::number(i);
    case Offset:
        return QString::number(c.offset);
    case Function:
        return c.function < m_functions.size() ? QString::fromUtf8(m_functions[c.function])
                                               : QString();
    case Table:
        return c.table < m_tables.size() ? QString::fromUtf8(m_tables[c.table]) : QString();
    case Rows:
        return QString::number(c.rows);
    case FirstTime:
        return timeText(c.time, c.timeType);
    default:
        return {};
    }
}

QVariant TpLogMessagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Index:
        return tr("#");
    case Offset:
        return tr("offset");
    case Function:
        return tr("function");
    case Table:
        return tr("table");
    case Rows:
        return tr("rows");
    case FirstTime:
        return tr("first time");
    default:
        return {};
    }
}

} // namespace qscope
