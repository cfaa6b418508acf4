// Exact min-cost transportation (see flow.hpp): validation, preprocessing into a row CSR,
// and an epsilon-scaling push-relabel solver specialised to source -> row -> column -> sink.
//
// Conventions of the solver (all values scaled by alpha):
//   price pi(v); reduced cost of a residual arc v->w with cost c: rc = c - pi(v) + pi(w);
//   a pseudoflow is eps-optimal when every residual arc has rc >= -eps; flow goes down
//   from high to low prices. Row prices are implicit: a row that moves to node w with
//   price pi_i leaves the key pi_i - c(i, w) with w (the reduced cost of the reverse arc
//   is key - pi(w)). Column j keeps its load x_j (units sent on to the sink through its
//   cheapest slots) and a min-heap of its holders by key; the sink t keeps price pt and a
//   min-heap of the rows sent to it directly (unassigned). Loads and prices survive from
//   one phase to the next; the row assignments are rebuilt (all rows bid again).
#include "libmatch/flow.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "libmatch/error.hpp"

namespace libmatch {
namespace {

using i32 = std::int32_t;
using i64 = std::int64_t;
using u64 = std::uint64_t;
using i128 = __int128;

constexpr i64 kI64Max = std::numeric_limits<i64>::max();
constexpr i64 kMaxIds = std::numeric_limits<i32>::max() - 1;  // ids are stored as int32
constexpr i64 kEpsDivisor = 8;                                // epsilon shrink per phase
constexpr i64 kPriceFactor = 64;            // |price| <= ~7 alpha^2 C; 64 leaves room for sums
constexpr i64 kMaxColsWide = i64{1} << 24;  // 128-bit prices: 64 alpha^2 2^63 < 2^123
constexpr i64 kPrefetchRows = 16;           // queue distance of the arc prefetch
constexpr i64 kPrefetchLines = 8;           // at most this many 64-byte lines per row

[[noreturn]] void invalid(const std::string& msg) { throw InvalidInput("solve_transport: " + msg); }
[[noreturn]] void overflow(const std::string& msg) { throw Overflow("solve_transport: " + msg); }

u64 magnitude(i64 v) { return v < 0 ? u64{0} - static_cast<u64>(v) : static_cast<u64>(v); }
std::string str(i64 v) { return std::to_string(v); }

// Preprocessed problem: kept arcs in a row CSR over the rows that have any, columns
// renumbered to those that can take something. Costs are the original (unscaled) ones.
struct Prepared {
  i64 n_rows = 0, n_cols = 0;
  i64 alpha = 3;
  std::vector<i32> row_id;     // solver row -> input row
  std::vector<i64> row_start;  // CSR, size rows + 1
  std::vector<i32> arc_col;    // solver column
  std::vector<i64> arc_cost;
  std::vector<i64> unassigned;  // per solver row
  std::vector<i32> col_id;      // solver column -> input column
  std::vector<i64> cap;         // usable capacity = min(capacity, kept in-degree) >= 1
  std::vector<i64> slot_start;  // per solver column, into slot_cost (size cols + 1)
  std::vector<i64> slot_cost;   // marginal load costs of the usable units
  u64 max_cost = 0;             // largest |cost| taking part
};

void validate(const TransportProblem& p) {
  if (p.n_rows < 0) invalid("n_rows = " + str(p.n_rows) + " is negative (allowed: >= 0)");
  if (p.n_cols < 0) invalid("n_cols = " + str(p.n_cols) + " is negative (allowed: >= 0)");
  if (p.n_rows > kMaxIds)
    invalid("n_rows = " + str(p.n_rows) + " exceeds the supported maximum " + str(kMaxIds));
  if (p.n_cols > kMaxIds)
    invalid("n_cols = " + str(p.n_cols) + " exceeds the supported maximum " + str(kMaxIds));
  const i64 n_arcs = static_cast<i64>(p.arc_row.size());
  if (static_cast<i64>(p.arc_col.size()) != n_arcs || static_cast<i64>(p.arc_cost.size()) != n_arcs)
    invalid("arc_row, arc_col and arc_cost must have the same length (got " + str(n_arcs) + ", " +
            str(static_cast<i64>(p.arc_col.size())) + ", " +
            str(static_cast<i64>(p.arc_cost.size())) + ")");
  if (static_cast<i64>(p.col_capacity.size()) != p.n_cols)
    invalid("col_capacity has " + str(static_cast<i64>(p.col_capacity.size())) +
            " entries, expected n_cols = " + str(p.n_cols));
  if (static_cast<i64>(p.unassigned_cost.size()) != p.n_rows)
    invalid("unassigned_cost has " + str(static_cast<i64>(p.unassigned_cost.size())) +
            " entries, expected n_rows = " + str(p.n_rows));
  for (i64 j = 0; j < p.n_cols; ++j)
    if (p.col_capacity[j] < 0)
      invalid("col_capacity[" + str(j) + "] = " + str(p.col_capacity[j]) +
              " is negative (allowed: >= 0)");
  for (i64 i = 0; i < p.n_rows; ++i)
    if (p.unassigned_cost[i] < 0)
      invalid("unassigned_cost[" + str(i) + "] = " + str(p.unassigned_cost[i]) +
              " is negative (allowed: >= 0)");
  for (i64 a = 0; a < n_arcs; ++a) {
    if (p.arc_row[a] < 0 || p.arc_row[a] >= p.n_rows)
      invalid("arc_row[" + str(a) + "] = " + str(p.arc_row[a]) + " is out of range [0, " +
              str(p.n_rows) + ")");
    if (p.arc_col[a] < 0 || p.arc_col[a] >= p.n_cols)
      invalid("arc_col[" + str(a) + "] = " + str(p.arc_col[a]) + " is out of range [0, " +
              str(p.n_cols) + ")");
  }
  if (p.load_offset.empty()) {
    if (!p.load_cost.empty())
      invalid("load_cost has " + str(static_cast<i64>(p.load_cost.size())) +
              " entries but load_offset is empty (give n_cols + 1 offsets)");
    return;
  }
  if (static_cast<i64>(p.load_offset.size()) != p.n_cols + 1)
    invalid("load_offset has " + str(static_cast<i64>(p.load_offset.size())) +
            " entries, expected n_cols + 1 = " + str(p.n_cols + 1) + " (or 0: no load costs)");
  if (p.load_offset[0] != 0) invalid("load_offset[0] = " + str(p.load_offset[0]) + ", expected 0");
  const i64 n_load = static_cast<i64>(p.load_cost.size());
  for (i64 j = 0; j < p.n_cols; ++j) {
    const i64 lo = p.load_offset[j], hi = p.load_offset[j + 1];
    // lo is valid here (checked for j - 1); compare lengths without overflowing.
    if (hi < lo || hi > n_load || hi - lo != p.col_capacity[j])
      invalid("column " + str(j) + ": load_offset[" + str(j + 1) + "] - load_offset[" + str(j) +
              "] = " + (hi < lo ? std::string("negative") : str(hi - lo)) +
              " load costs, expected one per unit of capacity (" + str(p.col_capacity[j]) +
              ") within load_cost of length " + str(n_load));
    for (i64 k = lo + 1; k < hi; ++k)
      if (p.load_cost[k] < p.load_cost[k - 1])
        invalid("column " + str(j) + ": load cost of unit " + str(k - lo) + " (" +
                str(p.load_cost[k]) + ") is below that of unit " + str(k - lo - 1) + " (" +
                str(p.load_cost[k - 1]) + "); marginal load costs must be non-decreasing");
  }
  if (p.load_offset[p.n_cols] != n_load)
    invalid("load_offset[n_cols] = " + str(p.load_offset[p.n_cols]) + " but load_cost has " +
            str(n_load) + " entries");
}

Prepared prepare(const TransportProblem& p) {
  Prepared q;
  q.n_rows = p.n_rows;
  q.n_cols = p.n_cols;
  const bool has_load = !p.load_offset.empty();
  const i64 n_arcs = static_cast<i64>(p.arc_row.size());
  i64 m_pos = 0;
  for (i64 j = 0; j < p.n_cols; ++j) m_pos += p.col_capacity[j] > 0;
  q.alpha = 2 * m_pos + 3;

  // An arc is kept when its column has room and it can beat leaving the row unassigned.
  auto first_load = [&](i64 j) -> i64 { return has_load ? p.load_cost[p.load_offset[j]] : 0; };
  auto kept = [&](i64 a) {
    const i64 j = p.arc_col[a];
    if (p.col_capacity[j] == 0) return false;
    return static_cast<i128>(p.arc_cost[a]) + first_load(j) <
           static_cast<i128>(p.unassigned_cost[p.arc_row[a]]);
  };
  // Stable counting sort of kept arcs by row.
  std::vector<i64> start(p.n_rows + 1, 0);
  std::vector<unsigned char> keep(n_arcs);
  for (i64 a = 0; a < n_arcs; ++a)
    if ((keep[a] = kept(a))) ++start[p.arc_row[a] + 1];
  for (i64 i = 0; i < p.n_rows; ++i) start[i + 1] += start[i];
  std::vector<i32> col(start[p.n_rows]);
  std::vector<i64> cost(start[p.n_rows]);
  {
    std::vector<i64> fill(start.begin(), start.end() - 1);
    for (i64 a = 0; a < n_arcs; ++a) {
      if (!keep[a]) continue;
      const i64 at = fill[p.arc_row[a]]++;
      col[at] = static_cast<i32>(p.arc_col[a]);
      cost[at] = p.arc_cost[a];
    }
  }
  keep = {};
  // Per row: drop duplicate columns (keep the cheapest, first on ties), compact, and renumber
  // rows to those with at least one arc.
  std::vector<i64> seen(p.n_cols, -1);  // position of column in the current row, or -1
  std::vector<i64> indeg(p.n_cols, 0);
  q.row_start.push_back(0);
  i64 out = 0;
  for (i64 i = 0; i < p.n_rows; ++i) {
    const i64 row_begin = out;
    for (i64 a = start[i]; a < start[i + 1]; ++a) {
      const i32 j = col[a];
      if (seen[j] >= row_begin) {
        if (cost[a] < cost[seen[j]]) cost[seen[j]] = cost[a];
        continue;
      }
      seen[j] = out;
      col[out] = j;
      cost[out] = cost[a];
      ++out;
    }
    if (out > row_begin) {
      for (i64 a = row_begin; a < out; ++a) ++indeg[col[a]];
      q.row_id.push_back(static_cast<i32>(i));
      q.row_start.push_back(out);
      q.unassigned.push_back(p.unassigned_cost[i]);
    }
  }
  col.resize(out);
  cost.resize(out);
  // Columns that can take something, renumbered in input order.
  std::vector<i32> new_col(p.n_cols, -1);
  q.slot_start.push_back(0);
  for (i64 j = 0; j < p.n_cols; ++j) {
    if (indeg[j] == 0) continue;
    new_col[j] = static_cast<i32>(q.col_id.size());
    q.col_id.push_back(static_cast<i32>(j));
    const i64 c = std::min(p.col_capacity[j], indeg[j]);
    q.cap.push_back(c);
    for (i64 k = 0; k < c; ++k)
      q.slot_cost.push_back(has_load ? p.load_cost[p.load_offset[j] + k] : 0);
    q.slot_start.push_back(static_cast<i64>(q.slot_cost.size()));
  }
  for (auto& j : col) j = new_col[j];
  q.arc_col = std::move(col);
  q.arc_cost = std::move(cost);

  // Overflow checks: the objective (signed terms whose magnitudes sum to <= the bound) and
  // the largest cost taking part (for the price bound, checked by the caller).
  u64 total = 0;
  auto add = [&](u64 v) {
    if (v > static_cast<u64>(kI64Max) - total)
      overflow(
          "the sum over rows of max(|unassigned cost|, max |arc cost|) plus the sum of "
          "|load costs| of usable units exceeds int64");
    total += v;
  };
  std::vector<u64> row_max(p.n_rows);
  for (i64 i = 0; i < p.n_rows; ++i) row_max[i] = magnitude(p.unassigned_cost[i]);
  for (std::size_t r = 0; r < q.row_id.size(); ++r) {
    u64& m = row_max[q.row_id[r]];
    q.max_cost = std::max(q.max_cost, m);
    for (i64 a = q.row_start[r]; a < q.row_start[r + 1]; ++a) {
      m = std::max(m, magnitude(q.arc_cost[a]));
      q.max_cost = std::max(q.max_cost, magnitude(q.arc_cost[a]));
    }
  }
  for (u64 v : row_max) add(v);
  for (i64 v : q.slot_cost) {
    add(magnitude(v));
    q.max_cost = std::max(q.max_cost, magnitude(v));
  }
  return q;
}

// Price type P: int64 normally, __int128 when the costs are too large for int64 prices.
template <class P>
struct Limits;
template <>
struct Limits<i64> {
  static constexpr i64 inf = kI64Max / 4;
};
template <>
struct Limits<i128> {
  static constexpr i128 inf = i128{1} << 124;
};

// Scaled arc costs are stored either as P, or (C = uint32, when they fit) relative to the
// cheapest arc of their row: a per-row constant shifts the row's price and its options
// alike, so keys and decisions are unchanged and the hot loop reads 8 bytes per arc.
template <class P, class C>
class Solver {
 public:
  explicit Solver(const Prepared& q) : q_(q) {
    nr_ = static_cast<i64>(q.row_id.size());
    nc_ = static_cast<i64>(q.col_id.size());
    const P alpha = q.alpha;
    arcs_.resize(q.arc_col.size());
    ua_.resize(nr_);
    for (i64 i = 0; i < nr_; ++i) {
      const i64 lo = q.row_start[i], hi = q.row_start[i + 1];
      P base = 0;
      if constexpr (!std::is_same_v<C, P>)
        base = *std::min_element(&q.arc_cost[lo], &q.arc_cost[hi]);
      for (i64 a = lo; a < hi; ++a) {
        const P scaled = alpha * (static_cast<P>(q.arc_cost[a]) - base);
        arcs_[a] = Arc{static_cast<C>(scaled), q.arc_col[a]};
      }
      ua_[i] = alpha * (static_cast<P>(q.unassigned[i]) - base);
    }
    slot_.resize(q.slot_cost.size());
    for (std::size_t k = 0; k < slot_.size(); ++k)
      slot_[k] = alpha * static_cast<P>(q.slot_cost[k]);
    lam_.resize(nc_);
    x_.assign(nc_, 0);
    hsize_.assign(nc_, 0);
    cver_.assign(nc_, 0);
    heap_.resize(q.slot_cost.size());
    theap_.reserve(nr_);
    queue_.resize(std::max<i64>(nr_, 1));
    for (i64 j = 0; j < nc_; ++j) lam_[j] = slot(j, 0);
    max_cost_ = static_cast<P>(q.max_cost) * alpha;
  }

  void run() {
    P eps = std::max<P>(max_cost_, 1);
    do {
      eps = std::max<P>(eps / kEpsDivisor, 1);
      refine(eps);
    } while (eps > 1);
  }

  // Final assignment: solver row -> solver column, or -1 when unassigned.
  std::vector<i32> assignment() const {
    std::vector<i32> out(nr_, -1);
    for (i64 j = 0; j < nc_; ++j)
      for (i64 h = 0; h < hsize_[j]; ++h)
        out[heap_[q_.slot_start[j] + h].row] = static_cast<i32>(j);
    return out;
  }
  const std::vector<i64>& loads() const { return x_; }

 private:
  struct Arc {
    C cost;
    i32 col;
  };
  struct Entry {
    P key;
    i32 row;
  };
  // Sink-side value of column j's top used slot, lam_j - slot(j, x_j - 1), in a lazy heap:
  // a stored value is a lower bound of the current one (prices only rise, and un-using a
  // slot raises it); taking a slot lowers it, so that re-pushes with a new version.
  struct ColEntry {
    P val;
    i32 col;
    std::uint32_t ver;
  };
  static constexpr P kInf = Limits<P>::inf;

  P slot(i64 j, i64 k) const { return slot_[q_.slot_start[j] + k]; }
  P free_slot(i64 j) const { return x_[j] < q_.cap[j] ? slot(j, x_[j]) + pt_ : kInf; }
  Entry* heap(i64 j) { return heap_.data() + q_.slot_start[j]; }

  static void sift_up(Entry* h, i64 pos) {
    Entry e = h[pos];
    while (pos > 0) {
      const i64 parent = (pos - 1) / 2;
      if (!(e.key < h[parent].key)) break;
      h[pos] = h[parent];
      pos = parent;
    }
    h[pos] = e;
  }
  static void sift_down(Entry* h, i64 n, i64 pos) {
    Entry e = h[pos];
    for (;;) {
      i64 c = 2 * pos + 1;
      if (c >= n) break;
      if (c + 1 < n && h[c + 1].key < h[c].key) ++c;
      if (!(h[c].key < e.key)) break;
      h[pos] = h[c];
      pos = c;
    }
    h[pos] = e;
  }
  void col_push(i64 j, P key, i32 row) {
    Entry* h = heap(j);
    h[hsize_[j]] = Entry{key, row};
    sift_up(h, hsize_[j]++);
  }
  P col_top(i64 j) { return hsize_[j] > 0 ? heap(j)[0].key : kInf; }
  i32 col_pop(i64 j) {
    Entry* h = heap(j);
    const i32 row = h[0].row;
    h[0] = h[--hsize_[j]];
    if (hsize_[j] > 0) sift_down(h, hsize_[j], 0);
    return row;
  }
  i32 col_replace_top(i64 j, P key, i32 row) {
    Entry* h = heap(j);
    const i32 old = h[0].row;
    h[0] = Entry{key, row};
    sift_down(h, hsize_[j], 0);
    return old;
  }
  // Raises column j's price to w + eps, w = the cheapest residual arc left out of j.
  void raise(i64 j, P w) {
    if (w >= kInf) return;
    const P p = w + eps_;
    if (p > lam_[j]) {
      if (p > kInf / 2) overflow("internal price bound exceeded (please report)");
      lam_[j] = p;
    }
  }
  P col_value(i64 j) const { return lam_[j] - slot(j, x_[j] - 1); }
  static bool greater_val(const ColEntry& a, const ColEntry& b) { return b.val < a.val; }
  void cheap_push(i64 j) {
    cheap_.push_back(ColEntry{col_value(j), static_cast<i32>(j), cver_[j]});
    std::push_heap(cheap_.begin(), cheap_.end(), greater_val);
  }
  void take_slot(i64 j) {  // x_j += 1 and record the lower value
    ++x_[j];
    ++cver_[j];
    cheap_push(j);
  }
  // Column with the smallest current value (at the heap top), or -1 if no column has load.
  i64 cheap_top() {
    while (!cheap_.empty()) {
      const ColEntry e = cheap_.front();
      std::pop_heap(cheap_.begin(), cheap_.end(), greater_val);
      cheap_.pop_back();
      if (e.ver != cver_[e.col] || x_[e.col] == 0) continue;
      const P cur = col_value(e.col);
      cheap_.push_back(ColEntry{cur, e.col, e.ver});
      std::push_heap(cheap_.begin(), cheap_.end(), greater_val);
      if (cur == e.val) return e.col;
    }
    return -1;
  }
  void activate(i32 row) {
    queue_[qtail_] = row;
    if (++qtail_ == nr_) qtail_ = 0;
    ++qcount_;
  }

  void refine(P eps) {
    eps_ = eps;
    i64 used = 0;
    for (i64 j = 0; j < nc_; ++j) {
      P lam = lam_[j] - pt_;
      const P lo = x_[j] > 0 ? slot(j, x_[j] - 1) - eps : -kInf;
      const P hi = x_[j] < q_.cap[j] ? slot(j, x_[j]) + eps : kInf;
      lam_[j] = std::clamp(lam, lo, hi);
      hsize_[j] = 0;
      used += x_[j];
    }
    pt_ = 0;
    cheap_.clear();
    for (i64 j = 0; j < nc_; ++j)
      if (x_[j] > 0) cheap_.push_back(ColEntry{col_value(j), static_cast<i32>(j), cver_[j]});
    std::make_heap(cheap_.begin(), cheap_.end(), greater_val);
    troom_ = nr_ - used;
    theap_.clear();
    qhead_ = qtail_ = 0;
    qcount_ = 0;
    for (i64 i = 0; i < nr_; ++i) activate(static_cast<i32>(i));
    while (qcount_ > 0) bid(pop_active());
  }

  // Takes the next active row. Bids are latency-bound on the arcs of re-activated rows
  // (random rows of a large CSR), so this also prefetches the row offsets 2 * kPrefetchRows
  // queue places ahead and the arcs kPrefetchRows ahead (a hint: it changes no decision).
  i32 pop_active() {
    if (qcount_ > 2 * kPrefetchRows) {
      i64 at = qhead_ + 2 * kPrefetchRows;
      __builtin_prefetch(q_.row_start.data() + queue_[at < nr_ ? at : at - nr_]);
      at = qhead_ + kPrefetchRows;
      const i32 r = queue_[at < nr_ ? at : at - nr_];
      const char* first = reinterpret_cast<const char*>(arcs_.data() + q_.row_start[r]);
      const i64 bytes = (q_.row_start[r + 1] - q_.row_start[r]) * static_cast<i64>(sizeof(Arc));
      for (i64 line = 0; line < kPrefetchLines && 64 * line < bytes; ++line)
        __builtin_prefetch(first + 64 * line);
    }
    const i32 row = queue_[qhead_];
    if (++qhead_ == nr_) qhead_ = 0;
    --qcount_;
    return row;
  }

  // Row i has its unit: it moves to its cheapest option at price (second cheapest + eps).
  void bid(i32 i) {
    P v1 = ua_[i] + pt_, v2 = kInf, c_best = 0;
    i32 best = -1;
    const Arc* a = arcs_.data() + q_.row_start[i];
    const Arc* end = arcs_.data() + q_.row_start[i + 1];
    for (; a != end; ++a) {
      const P v = static_cast<P>(a->cost) + lam_[a->col];
      if (v < v2) {
        if (v < v1) {
          v2 = v1;
          v1 = v;
          best = a->col;
          c_best = static_cast<P>(a->cost);
        } else {
          v2 = v;
        }
      }
    }
    // v2 is finite: the row has an arc and an unassigned option.
    place(i, best, v2 + eps_, c_best);
  }

  // Moves row i to column `best` (-1: the sink) at row price `price`.
  void place(i32 i, i32 best, P price, P c_best) {
    if (best < 0) {
      theap_.push_back(Entry{price - ua_[i], i});
      std::push_heap(theap_.begin(), theap_.end(), greater_key);
      sink_receive();
      return;
    }
    receive(best, i, price - c_best);
  }

  // Column j gets row i (key = row price - arc cost).
  void receive(i64 j, i32 i, P key) {
    if (hsize_[j] < x_[j]) {  // fills a slot already paid for: no price change needed
      col_push(j, key, i);
      return;
    }
    const P slotv = free_slot(j);
    const P top = col_top(j);
    if (slotv <= top && slotv <= key) {  // take one more slot, the unit goes on to the sink
      col_push(j, key, i);
      take_slot(j);
      raise(j, std::min(col_top(j), free_slot(j)));
      sink_receive();
    } else if (key <= top) {  // the newcomer is the cheapest to send back (incumbents stay)
      raise(j, std::min(top, slotv));
      activate(i);
    } else {
      const i32 out = col_replace_top(j, key, i);
      raise(j, std::min(col_top(j), slotv));
      activate(out);
    }
  }

  void sink_receive() {
    if (troom_ > 0) {
      --troom_;
      return;
    }
    sink_discharge();
  }

  // The sink has one unit too many: send it back along the cheapest residual arc, either
  // un-using the top slot of a column or returning an unassigned row; relabel the sink.
  void sink_discharge() {
    for (;;) {
      P w1 = kInf, w2 = kInf;
      i64 arg = -1;  // column, or -1 for the top unassigned row
      auto offer = [&](P v, i64 who) {
        if (v < w2) {
          if (v < w1) {
            w2 = w1;
            w1 = v;
            arg = who;
          } else {
            w2 = v;
          }
        }
      };
      if (const i64 j1 = cheap_top(); j1 >= 0) {
        offer(col_value(j1), j1);
        if (x_[j1] >= 2) offer(lam_[j1] - slot(j1, x_[j1] - 2), j1);
        // The next column: take j1's entry off, look, put it back.
        const ColEntry e1 = cheap_.front();
        std::pop_heap(cheap_.begin(), cheap_.end(), greater_val);
        cheap_.pop_back();
        if (const i64 j2 = cheap_top(); j2 >= 0) offer(col_value(j2), j2);
        cheap_.push_back(e1);
        std::push_heap(cheap_.begin(), cheap_.end(), greater_val);
      }
      const std::size_t nt = theap_.size();
      bool row_wins = false;
      if (nt > 0 && theap_[0].key < w1) {
        row_wins = true;
        w2 = w1;
        w1 = theap_[0].key;
      } else if (nt > 0 && theap_[0].key < w2) {
        w2 = theap_[0].key;
      }
      for (std::size_t c = 1; c <= 2 && c < nt; ++c) w2 = std::min(w2, theap_[c].key);
      const P p = (w2 < kInf ? w2 : w1) + eps_;
      if (p > pt_) {
        if (p > kInf / 2) overflow("internal price bound exceeded (please report)");
        pt_ = p;
      }
      if (row_wins) {
        std::pop_heap(theap_.begin(), theap_.end(), greater_key);
        const i32 row = theap_.back().row;
        theap_.pop_back();
        activate(row);
        return;
      }
      const i64 j = arg;
      --x_[j];
      if (hsize_[j] <= x_[j]) return;  // the column had a deficit: absorbed
      // Column j now holds one row more than its load: evict its cheapest holder, or take
      // the slot back (the unit returns to the sink, which then has excess again).
      const P slotv = free_slot(j);
      const P top = col_top(j);
      if (slotv <= top) {
        take_slot(j);
        raise(j, std::min(top, free_slot(j)));
        continue;
      }
      const i32 out = col_pop(j);
      raise(j, std::min(col_top(j), slotv));
      activate(out);
      return;
    }
  }

  static bool greater_key(const Entry& a, const Entry& b) { return b.key < a.key; }

  const Prepared& q_;
  i64 nr_ = 0, nc_ = 0;
  std::vector<Arc> arcs_;
  std::vector<P> ua_, slot_, lam_;
  std::vector<i64> x_, hsize_;
  std::vector<Entry> heap_, theap_;
  std::vector<ColEntry> cheap_;
  std::vector<std::uint32_t> cver_;
  std::vector<i32> queue_;
  i64 qhead_ = 0, qtail_ = 0, qcount_ = 0;
  i64 troom_ = 0;
  P pt_ = 0, eps_ = 1, max_cost_ = 1;
};

// Whether alpha * (arc cost - cheapest arc cost of its row) fits in uint32 for every arc.
bool compact_arcs(const Prepared& q) {
  i128 spread = 0;
  for (std::size_t r = 0; r + 1 < q.row_start.size(); ++r) {
    const i64* first = q.arc_cost.data() + q.row_start[r];
    const auto [lo, hi] = std::minmax_element(first, q.arc_cost.data() + q.row_start[r + 1]);
    spread = std::max(spread, static_cast<i128>(*hi) - *lo);
  }
  return spread * q.alpha <= std::numeric_limits<std::uint32_t>::max();
}

template <class P, class C>
std::vector<i32> solve_with(const Prepared& q, std::vector<i64>& loads) {
  Solver<P, C> s(q);
  s.run();
  loads = s.loads();
  return s.assignment();
}

}  // namespace

std::int64_t max_transport_cost(std::int64_t m) {
  const i128 a = 2 * static_cast<i128>(std::max<std::int64_t>(m, 0)) + 3;
  return static_cast<std::int64_t>(static_cast<i128>(kI64Max) / (kPriceFactor * a * a));
}

TransportSolution solve_transport(const TransportProblem& problem) {
  validate(problem);
  const Prepared q = prepare(problem);
  TransportSolution sol;
  sol.col_of_row.assign(problem.n_rows, -1);
  sol.col_load.assign(problem.n_cols, 0);
  i64 objective = 0;
  for (i64 i = 0; i < problem.n_rows; ++i) objective += problem.unassigned_cost[i];
  if (!q.row_id.empty()) {
    const i64 m = (q.alpha - 3) / 2;
    std::vector<i64> loads;
    std::vector<i32> assign;
    if (q.max_cost <= static_cast<u64>(max_transport_cost(m))) {
      assign = compact_arcs(q) ? solve_with<i64, std::uint32_t>(q, loads)
                               : solve_with<i64, i64>(q, loads);
    } else if (m < kMaxColsWide) {
      assign = solve_with<i128, i128>(q, loads);
    } else {
      overflow("too many columns with capacity > 0 (" + str(m) + ") for costs up to " +
               std::to_string(q.max_cost));
    }
    for (std::size_t r = 0; r < assign.size(); ++r) {
      const i32 j = assign[r];
      if (j < 0) continue;
      const i64 i = q.row_id[r];
      i64 c = 0;
      for (i64 a = q.row_start[r]; a < q.row_start[r + 1]; ++a)
        if (q.arc_col[a] == j) c = q.arc_cost[a];
      sol.col_of_row[i] = q.col_id[j];
      objective -= problem.unassigned_cost[i];  // two steps: partial sums stay in bounds
      objective += c;
    }
    for (std::size_t j = 0; j < loads.size(); ++j) {
      sol.col_load[q.col_id[j]] = loads[j];
      for (i64 k = 0; k < loads[j]; ++k) objective += q.slot_cost[q.slot_start[j] + k];
    }
  }
  sol.objective = objective;
  sol.status = SolveStatus::Optimal;
  return sol;
}

const char* to_string(SolveStatus status) {
  return status == SolveStatus::TimeLimit ? "time_limit" : "optimal";
}

}  // namespace libmatch
