#include "feedview.h"

#include "cellformat.h"
#include "feedpane.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace qscope {
namespace {

/// Plain q that works on an unmodified tickerplant (tick.q / u.q).
const QByteArray kTablesQuery = ".u.t";
const QByteArray kLogQuery = "(.u.i;.u.L)";

QString subCall(const QByteArray &table, const QList<QByteArray> &syms)
{
    QString s = QStringLiteral(".u.sub[`") + QString::fromUtf8(table) + QStringLiteral(";");
    if (syms.isEmpty())
        s += QLatin1Char('`');
    else
        for (const QByteArray &x : syms)
            s += QLatin1Char('`') + QString::fromUtf8(x);
    return s + QLatin1Char(']');
}

} // namespace

FeedView::FeedView(ConnectionManager *manager, const HandleSource &source, QWidget *parent)
    : QWidget(parent), m_manager(manager), m_source(source)
{
    m_picker = new ViewHandle(manager, HandlePurpose::Poller,
                              tr("feed view %1: tables and log position").arg(source.label), this);
    m_picker->setSource(source);
    // no summary: it asks once when shown, nothing runs on it in the background
    auto *split = new QSplitter(Qt::Horizontal, this);
    auto *picker = new QWidget(split);
    auto *pl = new QVBoxLayout(picker);
    pl->setContentsMargins(4, 4, 4, 4);
    pl->addWidget(new QLabel(tr("<b>Tables</b> (.u.t)"), picker));
    m_tableList = new QListWidget(picker);
    m_tableList->setToolTip(tr("Check the tables to subscribe to; none checked = all (`)"));
    pl->addWidget(m_tableList, 1);
    pl->addWidget(new QLabel(tr("Syms (empty = all)"), picker));
    m_symEdit = new QLineEdit(picker);
    m_symEdit->setPlaceholderText(tr("`AAPL`MSFT"));
    pl->addWidget(m_symEdit);
    m_callLabel = new QLabel(picker);
    m_callLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_callLabel->setWordWrap(true);
    pl->addWidget(m_callLabel);
    auto *buttons = new QHBoxLayout;
    m_subscribeButton = new QPushButton(tr("Subscribe"), picker);
    auto *refresh = new QPushButton(tr("Refresh"), picker);
    buttons->addWidget(m_subscribeButton);
    buttons->addWidget(refresh);
    pl->addLayout(buttons);
    auto *replay = new QPushButton(tr("Replay a recorded log…"), picker);
    replay->setToolTip(tr("Open a feed log recorded with Record… (*.qsfeed) in a new view"));
    pl->addWidget(replay);
    m_logLabel = new QLabel(picker);
    m_logLabel->setWordWrap(true);
    m_logLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    pl->addWidget(m_logLabel);
    m_errorLabel = new QLabel(picker);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_errorLabel->hide();
    pl->addWidget(m_errorLabel);

    auto *right = new QWidget(split);
    auto *rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    m_hint = new QLabel(tr("Check the tables to follow (none = all) and press <b>Subscribe</b>: "
                           "each subscription opens a live view here, as does a replayed log."),
                        right);
    m_hint->setWordWrap(true);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setEnabled(false); // greyed, as an empty state
    rl->addWidget(m_hint, 1);
    m_tabs = new QTabWidget(right);
    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    rl->addWidget(m_tabs, 1);
    split->addWidget(picker);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({220, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    auto updateCall = [this] {
        QList<QByteArray> tables;
        for (int i = 0; i < m_tableList->count(); ++i)
            if (m_tableList->item(i)->checkState() == Qt::Checked)
                tables << m_tableList->item(i)->text().toUtf8();
        QString syms = m_symEdit->text();
        syms.replace(QLatin1Char('`'), QLatin1Char(' '));
        QList<QByteArray> s;
        for (const QString &w : syms.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            s << w.toUtf8();
        QStringList calls;
        if (tables.isEmpty()) calls << subCall(QByteArray(), s);
        for (const QByteArray &t : tables)
            calls << subCall(t, s);
        m_callLabel->setText(tr("Will call: ") + calls.join(QStringLiteral("; ")));
    };
    connect(m_tableList, &QListWidget::itemChanged, this, updateCall);
    connect(m_symEdit, &QLineEdit::textChanged, this, updateCall);
    connect(m_subscribeButton, &QPushButton::clicked, this, &FeedView::subscribeFromPicker);
    connect(refresh, &QPushButton::clicked, this, &FeedView::refreshTables);
    connect(replay, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Replay feed log"), QString(),
                                                          tr("Feed log (*.qsfeed);;All files (*)"));
        if (path.isEmpty()) return;
        QString err;
        if (!openReplay(path, &err)) showError(err);
    });
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &FeedView::closePane);
    if (m_manager) {
        connect(m_manager, &ConnectionManager::resultReady, this, &FeedView::onResult);
        connect(m_manager, &ConnectionManager::stateChanged, this,
                [this](ConnectionId id, ConnectionState s, const QString &) {
                    if (id && id == m_picker->id() && s == ConnectionState::Open) refreshTables();
                });
    }
    updateCall();
    updateHint();
    auto *watch = new VisibilityWatch(this);
    connect(watch, &VisibilityWatch::changed, this, &FeedView::onVisible);
}

void FeedView::onVisible(bool visible)
{
    if (!visible) {
        m_tablesRequest = m_logRequest = 0;
        m_picker->release();
        return;
    }
    QString why;
    if (!m_picker->acquire(&why)) showError(tr("Cannot ask for the tables: %1").arg(why));
    refreshTables(); // if it is open already (a borrowed one); else when it opens
}

void FeedView::showError(const QString &text)
{
    m_errorLabel->setText(text);
    m_errorLabel->show();
}

void FeedView::updateHint()
{
    const bool empty = m_tabs->count() == 0;
    m_hint->setVisible(empty);
    m_tabs->setVisible(!empty);
}

FeedView::~FeedView() = default;

void FeedView::refreshTables()
{
    if (!m_manager || !m_picker->isOpen()) return;
    m_tablesRequest = m_manager->query(m_picker->id(), kTablesQuery);
    m_logRequest = m_manager->query(m_picker->id(), kLogQuery);
}

void FeedView::onResult(const QueryResult &r)
{
    if (r.id == 0 || (r.id != m_tablesRequest && r.id != m_logRequest)) return;
    const QString server = m_source.label;
    if (r.id == m_tablesRequest) {
        m_tablesRequest = 0;
        if (!r.ok()) {
            m_errorLabel->setText(tr("'%1 from %2 on %3: is it a tickerplant (tick.q)?")
                                      .arg(r.error->message, QString::fromUtf8(r.query), server));
            m_errorLabel->show();
            return;
        }
        const Value &v = r.value;
        QList<QByteArray> tables;
        if (v.type() == Symbol)
            for (int64_t i = 0; i < v.count(); ++i)
                tables << v.symAt(i);
        else if (v.type() == -Symbol)
            tables << v.symbolValue();
        if (v.type() != Symbol && v.type() != -Symbol) {
            m_errorLabel->setText(
                tr(".u.t on %1 is not a symbol list (type %2)").arg(server).arg(v.type()));
            m_errorLabel->show();
            return;
        }
        m_errorLabel->hide();
        m_tables = tables;
        // A refresh (after each subscribe, as the log position moves on) keeps what is checked.
        QSet<QString> checked;
        for (int i = 0; i < m_tableList->count(); ++i)
            if (m_tableList->item(i)->checkState() == Qt::Checked)
                checked.insert(m_tableList->item(i)->text());
        {
            const QSignalBlocker b(m_tableList);
            m_tableList->clear();
            for (const QByteArray &t : tables) {
                auto *item = new QListWidgetItem(QString::fromUtf8(t), m_tableList);
                item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setCheckState(checked.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
            }
        }
        Q_EMIT tablesChanged();
        return;
    }
    m_logRequest = 0;
    if (!r.ok()) {
        m_logLabel->setText(
            tr("Log position: '%1 (no .u.i/.u.L on %2)").arg(r.error->message, server));
        return;
    }
    const Value &v = r.value;
    if (v.isList() && v.count() == 2) {
        const QString file = v.item(1).type() == -Symbol
                                 ? QString::fromUtf8(v.item(1).symbolValue())
                                 : detail::atomText(v.item(1));
        m_logLabel->setText(
            tr("Log position: .u.i = %1 messages in .u.L = `%2")
                .arg(detail::atomText(v.item(0)), file.isEmpty() ? tr("(no log)") : file));
    } else {
        m_logLabel->setText(tr("Log position: unexpected reply"));
    }
}

QString FeedView::logPositionText() const
{
    return m_logLabel->text();
}

void FeedView::subscribeFromPicker()
{
    QList<QByteArray> tables;
    for (int i = 0; i < m_tableList->count(); ++i)
        if (m_tableList->item(i)->checkState() == Qt::Checked)
            tables << m_tableList->item(i)->text().toUtf8();
    QString syms = m_symEdit->text();
    syms.replace(QLatin1Char('`'), QLatin1Char(' ')).replace(QLatin1Char(','), QLatin1Char(' '));
    QList<QByteArray> s;
    for (const QString &w : syms.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        s << w.toUtf8();
    if (tables.isEmpty()) subscribe(QByteArray(), s);
    for (const QByteArray &t : tables)
        subscribe(t, s);
    refreshTables(); // the log position moves on
}

FeedPane *FeedView::subscribe(const QByteArray &table, const QList<QByteArray> &syms)
{
    const QString call = subCall(table, syms);
    const QString name = table.isEmpty() ? tr("all tables") : QString::fromUtf8(table);
    auto *handle = new ViewHandle(m_manager, HandlePurpose::Feed,
                                  tr("feed %1 on %2").arg(name, m_source.label));
    handle->setSource(m_source);
    handle->setSummary(tr("feed %1").arg(name));
    QString why;
    const ConnectionId conn = m_manager ? handle->acquire(&why) : 0;
    if (!conn) {
        delete handle;
        showError(tr("Cannot subscribe to %1: %2").arg(name, why));
        return nullptr;
    }
    auto *pane = new FeedPane(m_manager, m_tabs);
    pane->holdHandle(handle);
    pane->attachSubscription(m_manager->subscribe(conn, table, syms), call);
    handle->setActivity(call + tr(" · receiving updates"));
    connect(pane, &FeedPane::replayRequested, this, [this](const QString &path) {
        QString err;
        if (!openReplay(path, &err)) showError(err);
    });
    const int i = m_tabs->addTab(pane, name);
    m_tabs->setTabToolTip(i, call);
    m_tabs->setCurrentIndex(i);
    updateHint();
    return pane;
}

FeedPane *FeedView::openReplay(const QString &path, QString *error)
{
    auto *pane = new FeedPane(m_manager, m_tabs);
    if (!pane->startReplay(path, error)) {
        delete pane;
        return nullptr;
    }
    connect(pane, &FeedPane::replayRequested, this, [this](const QString &p) {
        QString err;
        if (!openReplay(p, &err)) showError(err);
    });
    const int i = m_tabs->addTab(pane, tr("replay %1").arg(QFileInfo(path).fileName()));
    m_tabs->setTabToolTip(i, path);
    m_tabs->setCurrentIndex(i);
    updateHint();
    return pane;
}

void FeedView::showPane(int index)
{
    m_tabs->setCurrentIndex(index);
}

void FeedView::closePane(int index)
{
    QWidget *w = m_tabs->widget(index);
    if (!w) return;
    m_tabs->removeTab(index);
    delete w; // the pane unsubscribes and closes its connection in its destructor
    updateHint();
}

int FeedView::paneCount() const
{
    return m_tabs->count();
}

FeedPane *FeedView::pane(int index) const
{
    return qobject_cast<FeedPane *>(m_tabs->widget(index));
}

} // namespace qscope
