#include "framesview.h"

#include "cellformat.h"
#include "feedlog.h"
#include "framesmodel.h"
#include "protocol/codec.h"
#include "viewhandle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPromise>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtEndian>

#include <algorithm>
#include <memory>

namespace qscope {
namespace {

constexpr qsizetype kSyncDecodeLimit = 1 << 20;
constexpr int kMaxChildren = 200;
constexpr int kMaxDepth = 32;

QString typeLabel(const Value &v)
{
    const int t = v.type();
    static const char *names[] = {"list",     "boolean",  "guid",      "",       "byte",
                                  "short",    "int",      "long",      "real",   "float",
                                  "char",     "symbol",   "timestamp", "month",  "date",
                                  "datetime", "timespan", "minute",    "second", "time"};
    const int a = t < 0 ? -t : t;
    if (a <= 19)
        return QString::fromLatin1(names[a]) +
               (t < 0   ? QStringLiteral(" atom")
                : t > 0 ? QStringLiteral(" vector")
                        : QString()) +
               QStringLiteral(" (%1h)").arg(t);
    switch (t) {
    case Table:
        return QStringLiteral("table (98h)");
    case Dict:
        return QStringLiteral("dict (99h)");
    case SortedDict:
        return QStringLiteral("sorted dict (127h)");
    case Lambda:
        return QStringLiteral("lambda (100h)");
    case Error:
        return QStringLiteral("error (-128h)");
    default:
        return QStringLiteral("type %1h").arg(t);
    }
}

} // namespace

FramesView::FramesView(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager), m_model(new FramesModel(this))
{
    auto *l = new QVBoxLayout(this);
    l->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    m_chooser = new QComboBox(this);
    m_chooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_chooser->setToolTip(tr("Which of this app's connections to show the frames of"));
    bar->addWidget(m_chooser);
    m_tapCheck = new QCheckBox(tr("Tap frames on this connection"), this);
    bar->addWidget(m_tapCheck);
    auto *clear = new QPushButton(tr("Clear"), this);
    auto *exportButton = new QPushButton(tr("Export selected…"), this);
    bar->addStretch(1);
    bar->addWidget(clear);
    bar->addWidget(exportButton);
    l->addLayout(bar);
    m_status = new QLabel(this);
    m_status->setWordWrap(true); // never wider than the dock it sits in
    l->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(split);
    m_table->setModel(m_model);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto *bottom = new QSplitter(Qt::Horizontal, split);
    m_hex = new QPlainTextEdit(bottom);
    m_hex->setReadOnly(true);
    m_hex->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_hex->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_hex->setPlaceholderText(tr("Select a frame: its bytes show here, its decoded value beside."));
    m_tree = new QTreeWidget(bottom);
    m_tree->setHeaderLabels({tr("decoded"), tr("value")});
    m_tree->header()->setStretchLastSection(true);
    split->addWidget(m_table);
    split->addWidget(bottom);
    l->addWidget(split, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &FramesView::refresh);
    // The snapshot copies frames under the lane's lock: only while someone can see them.
    m_watch = new VisibilityWatch(this);
    connect(m_watch, &VisibilityWatch::changed, this, [this](bool visible) {
        if (!visible) {
            m_timer->stop();
        } else if (m_connection) {
            m_timer->start();
            refresh();
        }
    });
    connect(m_tapCheck, &QCheckBox::toggled, this, &FramesView::setTapping);
    connect(m_chooser, &QComboBox::activated, this, [this](int i) {
        const ConnectionId id = m_chooser->itemData(i).toULongLong();
        if (id != m_connection) setConnection(id);
    });
    if (m_manager) {
        HandleRegistry *reg = m_manager->registry();
        connect(reg, &HandleRegistry::rowAdded, this, &FramesView::fillChooser);
        connect(reg, &HandleRegistry::rowChanged, this, &FramesView::fillChooser);
        connect(reg, &HandleRegistry::rowsRemoved, this, &FramesView::fillChooser);
    }
    fillChooser();
    connect(clear, &QPushButton::clicked, m_model, &FramesModel::clearShown);
    connect(exportButton, &QPushButton::clicked, this, &FramesView::exportSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &cur) {
                if (cur.isValid()) showFrame(cur.row());
            });
}

FramesView::~FramesView() = default;

void FramesView::setConnection(ConnectionId id)
{
    m_connection = id;
    m_model->clear();
    m_hex->clear();
    m_tree->clear();
    const ConnectionOptions *o = m_manager ? m_manager->options(id) : nullptr;
    const QSignalBlocker b(m_tapCheck);
    m_tapCheck->setChecked(o && o->tapFrames);
    m_connText = o ? tr("%1 (%2)").arg(o->name, o->address.display()) : tr("No connection");
    m_sized = false;
    fillChooser();
    if (m_watch->visible()) m_timer->start();
    refresh();
}

void FramesView::fillChooser()
{
    QStringList items;
    QList<ConnectionId> ids;
    if (m_manager) {
        const HandleRegistry *reg = m_manager->registry();
        for (int row = 0; row < reg->count(); ++row) {
            const HandleInfo &h = reg->at(row);
            const bool open =
                h.state != ConnectionState::Closed && h.state != ConnectionState::Failed;
            if (!open && h.id != m_connection) continue;
            const QString owner = reg->owner(h.id).owner;
            items << tr("#%1 %2 · %3%4")
                         .arg(h.id)
                         .arg(owner.isEmpty() ? h.name : owner, h.server,
                              open ? QString() : tr(" (closed)"));
            ids << h.id;
        }
    }
    if (items == m_chooserItems) return;
    m_chooserItems = items;
    const QSignalBlocker b(m_chooser);
    m_chooser->clear();
    if (items.isEmpty())
        m_chooser->addItem(tr("No connection"), QVariant::fromValue<qulonglong>(0));
    for (qsizetype i = 0; i < items.size(); ++i)
        m_chooser->addItem(items[i], QVariant::fromValue<qulonglong>(ids[i]));
    m_chooser->setCurrentIndex(
        std::max(0, m_chooser->findData(QVariant::fromValue<qulonglong>(m_connection))));
}

void FramesView::updateStatus()
{
    QString s = m_connText;
    if (m_connection && m_manager) {
        if (m_tapCheck->isChecked())
            s += tr(" · tapping: %n frame(s) shown", nullptr, m_model->rowCount());
        else if (m_model->rowCount() == 0)
            s += tr(" · tap off: check it above to see the frames from now on");
        else
            s += tr(" · tap off: %n frame(s) shown", nullptr, m_model->rowCount());
    }
    m_status->setText(s);
}

void FramesView::setTapping(bool on)
{
    if (!m_manager || !m_connection) return;
    m_manager->setFrameTap(m_connection, on);
    const QSignalBlocker b(m_tapCheck);
    m_tapCheck->setChecked(on);
    updateStatus();
}

void FramesView::refresh()
{
    if (!m_manager || !m_connection) {
        updateStatus();
        return;
    }
    // Only the records newer than the model's last: the tap's mutex, which the network thread
    // takes for every frame, is held just long enough to copy those.
    m_model->update(m_manager->framesSince(m_connection, m_model->lastSeq(), m_model->limit()));
    if (!m_sized && m_model->rowCount() > 0) {
        // Column widths once, from a sample of rows, capped.
        m_sized = true;
        m_table->horizontalHeader()->setResizeContentsPrecision(50);
        m_table->resizeColumnsToContents();
        for (int c = 0; c < m_model->columnCount(); ++c)
            m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 240));
    }
    updateStatus();
}

QString FramesView::hexDump(const QByteArray &bytes, int maxBytes)
{
    QString out;
    const int n = int(std::min<qsizetype>(bytes.size(), maxBytes));
    out.reserve(n * 4 + 64);
    static const char hex[] = "0123456789abcdef";
    for (int off = 0; off < n; off += 16) {
        out += QString::number(off, 16).rightJustified(8, QLatin1Char('0')) + QStringLiteral("  ");
        QString ascii;
        for (int i = 0; i < 16; ++i) {
            if (off + i < n) {
                const uchar c = uchar(bytes[off + i]);
                out += QLatin1Char(hex[c >> 4]);
                out += QLatin1Char(hex[c & 15]);
                out += QLatin1Char(' ');
                ascii += c >= 32 && c < 127 ? QLatin1Char(char(c)) : QLatin1Char('.');
            } else {
                out += QStringLiteral("   ");
            }
            if (i == 7) out += QLatin1Char(' ');
        }
        out += QLatin1Char(' ') + ascii + QLatin1Char('\n');
    }
    if (bytes.size() > n)
        out += QStringLiteral("… %1 more bytes not shown\n").arg(bytes.size() - n);
    return out;
}

QTreeWidgetItem *FramesView::treeFor(const Value &v, const QString &label, int depth)
{
    auto *item = new QTreeWidgetItem;
    item->setText(0, label.isEmpty() ? typeLabel(v) : label + QStringLiteral(": ") + typeLabel(v));
    if (v.isAtom()) {
        item->setText(1, detail::atomText(v));
        return item;
    }
    if (v.isError()) {
        item->setText(1, QLatin1Char('\'') + QString::fromUtf8(v.symbolValue()));
        return item;
    }
    if (v.type() == Lambda) {
        item->setText(1, QString::fromUtf8(v.lambdaSource()));
        return item;
    }
    if (v.type() == Char) {
        item->setText(1, QLatin1Char('"') + QString::fromUtf8(v.rawData(), qsizetype(v.count())) +
                             QLatin1Char('"'));
        return item;
    }
    if (depth >= kMaxDepth) {
        item->setText(1, QStringLiteral("(nested too deep to show)"));
        return item;
    }
    const int64_t n = v.count();
    item->setText(1, QStringLiteral("count %1").arg(n));
    if (v.isTable()) {
        const Value &names = v.columnNames();
        for (int64_t c = 0; c < names.count() && c < kMaxChildren; ++c)
            item->addChild(
                treeFor(v.columns().item(c), QString::fromUtf8(names.symAt(c)), depth + 1));
        return item;
    }
    if (v.isDict()) {
        item->addChild(treeFor(v.keys(), QStringLiteral("keys"), depth + 1));
        item->addChild(treeFor(v.values(), QStringLiteral("values"), depth + 1));
        return item;
    }
    if (v.isVector()) {
        for (int64_t i = 0; i < n && i < kMaxChildren; ++i) {
            auto *c = new QTreeWidgetItem;
            c->setText(0, QString::number(i));
            c->setText(1, detail::cellText(v, i));
            item->addChild(c);
        }
    } else if (v.isList() || v.isFunction()) {
        const auto &items = v.items();
        for (size_t i = 0; i < items.size() && int(i) < kMaxChildren; ++i)
            item->addChild(treeFor(items[i], QString::number(i), depth + 1));
    }
    if (n > kMaxChildren) {
        auto *more = new QTreeWidgetItem;
        more->setText(0, QStringLiteral("… %1 more").arg(n - kMaxChildren));
        item->addChild(more);
    }
    return item;
}

void FramesView::showDecoded(const QString &label, const Value &value, const QString &error)
{
    m_tree->clear();
    if (!error.isEmpty()) {
        auto *e = new QTreeWidgetItem(m_tree);
        e->setText(0, tr("decode error"));
        e->setText(1, error);
        return;
    }
    QTreeWidgetItem *root = treeFor(value, label);
    m_tree->addTopLevelItem(root);
    root->setExpanded(true);
    for (int i = 0; i < root->childCount() && i < 8; ++i)
        root->child(i)->setExpanded(true);
    m_tree->resizeColumnToContents(0);
}

void FramesView::showFrame(int row)
{
    if (row < 0 || row >= m_model->rowCount()) return;
    const FrameRecord &f = m_model->at(row);
    const quint64 gen = ++m_decodeGeneration;
    if (f.raw.isEmpty()) {
        m_hex->setPlainText(tr("(raw bytes not kept: the tap's byte budget was used up)"));
        m_tree->clear();
        Q_EMIT frameShown(row);
        return;
    }
    m_hex->setPlainText(hexDump(f.raw));
    const QString label =
        FramesModel::typeName(f.messageType) + QStringLiteral(" #") + QString::number(f.seq);
    if (f.raw.size() <= kSyncDecodeLimit) {
        const Decoded d = decodeMessage(f.raw);
        showDecoded(label, d.value,
                    d.ok() ? QString()
                           : tr("%1 at byte %2").arg(d.error->message).arg(d.error->offset));
        Q_EMIT frameShown(row);
        return;
    }
    // Large: decode on a worker; the watcher (a child of this view) delivers on the GUI thread,
    // and a newer selection makes the answer stale.
    m_tree->clear();
    auto *wait = new QTreeWidgetItem(m_tree);
    wait->setText(0, tr("decoding %1 bytes…").arg(f.raw.size()));
    auto promise = std::make_shared<QPromise<Decoded>>();
    auto *watcher = new QFutureWatcher<Decoded>(this);
    connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, gen, label, row] {
        watcher->deleteLater();
        if (gen != m_decodeGeneration || watcher->future().resultCount() == 0) return;
        const Decoded d = watcher->future().result();
        showDecoded(label, d.value,
                    d.ok() ? QString()
                           : tr("%1 at byte %2").arg(d.error->message).arg(d.error->offset));
        Q_EMIT frameShown(row);
    });
    watcher->setFuture(promise->future());
    const QByteArray raw = f.raw;
    QThreadPool::globalInstance()->start([promise, raw] {
        promise->start();
        promise->addResult(decodeMessage(raw));
        promise->finish();
    });
}

QString FramesView::hexText() const
{
    return m_hex->toPlainText();
}

bool FramesView::exportFrames(const QList<int> &rows, const QString &path, QString *error) const
{
    QFile file(path);
    const bool text = path.endsWith(QLatin1String(".txt"), Qt::CaseInsensitive);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QByteArray out;
    if (!text) out += feedLogMagic();
    int written = 0;
    for (int row : rows) {
        if (row < 0 || row >= m_model->rowCount()) continue;
        const FrameRecord &f = m_model->at(row);
        if (text) {
            out += QStringLiteral("# frame %1 %2 %3 %4 wire %5 bytes%6\n")
                       .arg(f.seq)
                       .arg(f.incoming ? QStringLiteral("in") : QStringLiteral("out"),
                            FramesModel::typeName(f.messageType),
                            QDateTime::fromMSecsSinceEpoch(f.timestampNs / 1000000)
                                .toString(Qt::ISODateWithMs))
                       .arg(f.wireBytes)
                       .arg(f.raw.isEmpty() ? QStringLiteral(" (bytes not kept)") : QString())
                       .toUtf8();
            out += hexDump(f.raw, int(std::min<qsizetype>(f.raw.size(), 1 << 30))).toUtf8();
        } else {
            if (f.raw.isEmpty()) continue; // nothing to replay
            uchar len[4];
            qToLittleEndian<quint32>(quint32(f.raw.size()), len);
            out.append(reinterpret_cast<const char *>(len), 4);
            out += f.raw;
        }
        ++written;
    }
    if (written == 0) {
        *error = tr("no frames with bytes selected");
        file.remove();
        return false;
    }
    if (file.write(out) != out.size()) {
        *error = tr("writing %1 failed: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void FramesView::exportSelected()
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    if (rows.isEmpty()) {
        m_status->setText(tr("Select frames to export."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export frames"), QString(),
                                                      tr("Frame log (*.qsfeed);;Hex dump (*.txt)"));
    if (path.isEmpty()) return;
    QString err;
    m_status->setText(exportFrames(rows, path, &err)
                          ? tr("Exported %1 frames to %2").arg(rows.size()).arg(path)
                          : err);
}

} // namespace qscope
