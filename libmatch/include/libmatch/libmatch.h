/*
 * libmatch C ABI: a stable C99 interface for front ends in other languages (.NET, Java, Go,
 * Rust, ...). It covers orientation areas (read, locate) and one matching round from plain
 * arrays. The C++ API (libmatch/<module>.hpp) remains the full interface; this one is a thin layer
 * over it (libmatch/src/c_api.cpp) and never lets a C++ exception escape.
 *
 * Conventions
 * - Every function that can fail returns an lm_status: LM_OK (0) or an error code, and then
 *   lm_last_error() gives a message. On error no handle or scalar output is written (output
 *   arrays may have been partly filled). The few
 *   functions that cannot fail (lm_last_error, lm_status_name, lm_request_cancel,
 *   lm_reset_cancel, the *_free functions) say so.
 * - Handles (lm_areas, lm_round) are opaque; create them with the functions below and
 *   release each with its *_free function exactly once (NULL is accepted and ignored). A
 *   handle is immutable once created: it may be read from several threads at once.
 * - Strings are UTF-8 and NUL-terminated. Strings passed in are only read during the call
 *   (the library copies what it keeps). Strings returned are owned by the library: never
 *   free them; each function states how long the pointer stays valid.
 * - Arrays passed in are only read during the call; their length is stated per argument
 *   (n = number of items; xy arrays hold 2n doubles x0,y0,x1,y1,...). "Optional" arrays
 *   may be NULL, which means the stated default for every item. Output arrays are
 *   allocated by the caller with the stated length.
 * - Units: coordinates are projected metres in the working CRS (default EPSG:28992, RD New);
 *   travel in minutes and km; costs in integer units of 1/LM_COST_SCALE point (one point is
 *   one minute of travel at the default weights).
 * - Indices are int64, 0-based; -1 means "none".
 * - The layout of the structs below is part of the ABI: it changes only with the major
 *   version (before 1.0: the minor version, like the shared library's SONAME).
 */
#ifndef LIBMATCH_LIBMATCH_H
#define LIBMATCH_LIBMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "libmatch/export.hpp"  /* LIBMATCH_EXPORT (plain preprocessor, valid C) */
#include "libmatch/version.hpp" /* LIBMATCH_VERSION_* of the headers */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes and errors ------------------------------------------------------------ */

/** Status of a call. Each libmatch::Error subclass has its own code. */
typedef int32_t lm_status;
enum {
  LM_OK = 0,
  LM_ERR_ARGUMENT = 1,       /**< a NULL or out-of-range argument of the C call itself */
  LM_ERR_INVALID_INPUT = 2,  /**< libmatch::InvalidInput: a value, id or setting (ValueError) */
  LM_ERR_INVALID_TYPE = 3,   /**< libmatch::InvalidType */
  LM_ERR_GEOMETRY = 4,       /**< libmatch::GeometryError: unusable polygon */
  LM_ERR_CRS = 5,            /**< libmatch::CrsError: unknown or missing CRS */
  LM_ERR_UNKNOWN_ID = 6,     /**< libmatch::UnknownId: no such id, field or layer */
  LM_ERR_OVERFLOW = 7,       /**< libmatch::Overflow: costs beyond int64 */
  LM_ERR_FILE = 8,           /**< libmatch::FileError: cannot read or write */
  LM_ERR_FILE_MISSING = 9,   /**< libmatch::FileMissing: no such file */
  LM_ERR_CANCELLED = 10,     /**< libmatch::Cancelled: lm_request_cancel() was called */
  LM_ERR_OUT_OF_MEMORY = 11, /**< std::bad_alloc */
  LM_ERR_INTERNAL = 12       /**< any other failure (a bug: please report it) */
};

/** Message of the most recent failed call on the calling thread ("" when none). Never fails.
 *  Owned by the library; valid until the next failing call on the same thread. Messages name
 *  the file, layer, field, index or id at fault, never cell values. */
LIBMATCH_EXPORT const char* lm_last_error(void);

/** "ok", "argument", "invalid_input", ... for a status code; "unknown" for other values.
 *  Never fails. Static storage: valid for the life of the process. */
LIBMATCH_EXPORT const char* lm_status_name(lm_status status);

/** Version of the library linked at run time (compare with LIBMATCH_VERSION_* of the headers).
 *  Any output may be NULL. *text: static storage, e.g. "0.1.0". */
LIBMATCH_EXPORT lm_status lm_version(int32_t* major, int32_t* minor, int32_t* patch,
                                     const char** text);

/** Asks every running libmatch call (in any thread) to stop with LM_ERR_CANCELLED; the
 *  request stays pending until lm_reset_cancel(). Async-signal-safe. Never fails. */
LIBMATCH_EXPORT void lm_request_cancel(void);
/** Clears a pending cancellation request. Never fails. */
LIBMATCH_EXPORT void lm_reset_cancel(void);

/* ---- areas ------------------------------------------------------------------------------ */

/** A set of polygonal areas in one working CRS (libmatch::AreaSet). */
typedef struct lm_areas lm_areas;

/** Reads a polygon layer from any GDAL vector source (GeoPackage, GeoJSON, Shapefile, ...).
 *  path, id_field: required; id_field names the unique area id (its values become the ids).
 *  layer: NULL or "" = the first layer. crs: working CRS the areas are reprojected to, NULL
 *  or "" = "EPSG:28992". source_crs: CRS assumed when the source declares none, NULL or ""
 *  = none (such a source is then LM_ERR_CRS).
 *  On success *out is a new handle: free it with lm_areas_free().
 *  Errors: LM_ERR_FILE_MISSING, LM_ERR_FILE, LM_ERR_UNKNOWN_ID (field or layer),
 *  LM_ERR_GEOMETRY, LM_ERR_CRS, LM_ERR_INVALID_INPUT (duplicate ids), LM_ERR_ARGUMENT. */
LIBMATCH_EXPORT lm_status lm_areas_read(const char* path, const char* id_field, const char* layer,
                                        const char* crs, const char* source_crs, lm_areas** out);

/** Releases the handle (NULL is ignored). Strings obtained from it become invalid. */
LIBMATCH_EXPORT void lm_areas_free(lm_areas* areas);

/** Number of areas. */
LIBMATCH_EXPORT lm_status lm_areas_size(const lm_areas* areas, int64_t* n);

/** Id of area `index` (0 <= index < size, else LM_ERR_ARGUMENT). *id is owned by the handle
 *  and valid until lm_areas_free(). */
LIBMATCH_EXPORT lm_status lm_areas_id(const lm_areas* areas, int64_t index, const char** id);

/** Index of the area with this id; LM_ERR_UNKNOWN_ID when there is none. */
LIBMATCH_EXPORT lm_status lm_areas_index_of(const lm_areas* areas, const char* id, int64_t* index);

/** Working CRS as given when reading (e.g. "EPSG:28992"); valid until lm_areas_free(). */
LIBMATCH_EXPORT lm_status lm_areas_crs(const lm_areas* areas, const char** crs);

/** Area index per point, -1 outside all (boundary and overlap rules: libmatch/areas.hpp).
 *  xy: 2n doubles (metres, working CRS); out: n int64. n >= 0 (xy, out may be NULL when 0).
 *  threads <= 0: all cores; the result never depends on it. */
LIBMATCH_EXPORT lm_status lm_areas_locate(const lm_areas* areas, const double* xy, int64_t n,
                                          int64_t* out, int32_t threads);

/** Nearest area per point and its distance in metres (0 inside); beyond max_distance_m
 *  (use INFINITY for no limit) index -1 and distance NaN; ties go to the lower index.
 *  xy: 2n doubles; index: n int64; distance_m: n doubles. */
LIBMATCH_EXPORT lm_status lm_areas_nearest(const lm_areas* areas, const double* xy, int64_t n,
                                           double max_distance_m, int64_t* index,
                                           double* distance_m, int32_t threads);

/** Transforms n points in place (xy: 2n doubles) between two CRS ("EPSG:4326" is lon, lat).
 *  A point that cannot be transformed becomes NaN, NaN (the call still succeeds).
 *  Errors: LM_ERR_CRS. */
LIBMATCH_EXPORT lm_status lm_transform_points(double* xy, int64_t n, const char* from_crs,
                                              const char* to_crs);

/* ---- one matching round ----------------------------------------------------------------- */

/** Integer cost units per point. */
#define LM_COST_SCALE 100
/** Request::registered when no date is known. */
#define LM_NO_DATE INT64_MIN

/** Escalation reason codes (libmatch::Escalation); names via lm_escalation_name(). */
enum {
  LM_ESCALATION_NONE = 0,
  LM_ESCALATION_NO_ADVISOR_FOR_SERVICE = 1,
  LM_ESCALATION_NO_EXPERTISE = 2,
  LM_ESCALATION_ALL_EXCLUDED = 3,
  LM_ESCALATION_ALL_OUT_OF_RADIUS = 4,
  LM_ESCALATION_NO_CAPACITY = 5,
  LM_ESCALATION_DUPLICATE_REQUEST = 6,
  LM_ESCALATION_PINNED_ADVISOR_UNAVAILABLE = 7,
  /* programme model (catalogue, hours, money, register); added in 0.x, codes never reused */
  LM_ESCALATION_NO_HOURS = 8,
  LM_ESCALATION_SLOTS_EXHAUSTED = 9,
  LM_ESCALATION_BUDGET_EXHAUSTED = 10,
  LM_ESCALATION_RESERVED_FOR_PRIORITY = 11,
  LM_ESCALATION_ALREADY_IN_GUIDANCE = 12,
  LM_ESCALATION_NO_OPEN_CASE = 13,
  LM_ESCALATION_UNFILLED_POSITION = 14
};

/** "no_advisor_for_service", ... ("" for LM_ESCALATION_NONE); LM_ERR_ARGUMENT for an unknown
 *  code. *name: static storage. */
LIBMATCH_EXPORT lm_status lm_escalation_name(int32_t code, const char** name);

/** The requests of a round, as parallel arrays of n items (struct of arrays). Services and
 *  expertise tags are small integer codes the caller keeps stable (only equality matters).
 *  Variable-length lists are CSR: item i's entries are values[offset[i] .. offset[i+1]),
 *  offset has n + 1 entries starting at 0, non-decreasing; values has offset[n] entries. */
typedef struct lm_requests {
  int64_t n;
  const char* const* id;          /**< n unique ids (required); ties are broken by id */
  const double* x;                /**< n primary locations, metres (required) */
  const double* y;                /**< (required) */
  const int32_t* service;         /**< n service codes (required) */
  const int64_t* priority;        /**< optional, default 0; higher = more urgent */
  const int64_t* needs_offset;    /**< optional CSR (n + 1) of needed expertise tags */
  const int32_t* needs;           /**< tag codes, needs_offset[n] entries */
  const int64_t* exclude_offset;  /**< optional CSR (n + 1) of excluded advisors */
  const int64_t* exclude;         /**< advisor indices (conflict of interest) */
  const int64_t* current_advisor; /**< optional: advisor index, -1 = none, -2 = gone */
  const uint8_t* pinned;          /**< optional 0/1: keep current_advisor or escalate */
  const int64_t* registered;      /**< optional registration day, LM_NO_DATE = none */
} lm_requests;

/** The advisor pool, as parallel arrays of n items. */
typedef struct lm_advisors {
  int64_t n;
  const char* const* id;           /**< n unique ids (required) */
  const double* x;                 /**< n base locations, metres (required) */
  const double* y;                 /**< (required) */
  const int32_t* service;          /**< n service codes (required) */
  const int64_t* capacity;         /**< n maximum simultaneous cases, >= 0 (required) */
  const int64_t* caseload;         /**< optional current cases, 0 <= caseload <= capacity */
  const double* radius_km;         /**< optional action radius in km, default INFINITY */
  const double* radius_minutes;    /**< optional action radius in minutes, default INFINITY */
  const int64_t* expertise_offset; /**< optional CSR (n + 1) of expertise tags */
  const int32_t* expertise;        /**< tag codes */
  const int64_t* areas_offset;     /**< optional CSR (n + 1) of orientation areas */
  const int64_t* areas;            /**< area indices into the round's lm_areas */
} lm_advisors;

/** Cost weights in points, all finite and >= 0 except unassigned_base (libmatch::Weights;
 *  full meanings in libmatch/model.hpp). Get the defaults from lm_round_defaults(). */
typedef struct lm_weights {
  double travel_per_minute;         /**< points per minute of travel */
  double outside_area;              /**< location outside all of the advisor's areas */
  double partial_expertise_per_tag; /**< per missing tag (allow_partial_expertise) */
  double load;                      /**< load * utilisation^2 for the case reaching it */
  double continuity;                /**< any advisor other than current_advisor */
  double radius_penalty;            /**< soft radius (radius_hard = 0): beyond the radius */
  double radius_penalty_per_minute; /**< ... plus per minute beyond radius_minutes */
  double radius_penalty_per_km;     /**< ... plus per km beyond radius_km */
  double unassigned_base;           /**< escalating a request; < 0 = automatic */
  double unassigned_per_priority;   /**< ... plus this per priority level */
} lm_weights;

/** Rule switches (libmatch::RuleOptions). */
typedef struct lm_rules {
  int32_t radius_hard;             /**< 0/1 */
  int32_t allow_partial_expertise; /**< 0/1 */
  double duplicate_tolerance_m;    /**< metres, >= 0; 0 = off */
  double max_travel_minutes;       /**< INFINITY = no cap */
  int64_t alternatives;            /**< runner-up advisors kept per assignment */
  int32_t threads;                 /**< >= 0; 0: all cores; results never depend on it */
} lm_rules;

/** Travel for the round: straight line (euclidean x detour at speed_kmh), or, when
 *  n_pairs >= 0, precomputed travel for candidate pairs (advisor, request), which must hold
 *  every pair the rules can use; absent pairs count as out of reach. Each (advisor, request)
 *  at most once, minutes and km >= 0 (else LM_ERR_INVALID_INPUT naming the pair); with
 *  pairs, detour and speed_kmh are not used. */
typedef struct lm_travel {
  double detour;    /**< straight line detour factor, >= 1 */
  double speed_kmh; /**< straight line speed, > 0 */
  int64_t n_pairs;  /**< -1 = straight line; else (>= 0) the length of the four arrays below */
  const int64_t* pair_advisor; /**< advisor index per pair */
  const int64_t* pair_request; /**< request index per pair */
  const double* pair_minutes;  /**< travel minutes per pair */
  const double* pair_km;       /**< travel km per pair */
} lm_travel;

/** Defaults of the C++ API (any output may be NULL): weights and rules as in
 *  libmatch/model.hpp, travel = straight line x1.3 at 60 km/h without pairs. */
LIBMATCH_EXPORT lm_status lm_round_defaults(lm_weights* weights, lm_rules* rules,
                                            lm_travel* travel);

/** The result of a round (libmatch::RoundResult). */
typedef struct lm_round lm_round;

/** Runs one round (libmatch::run_round): hard rules, costs, exact min-cost assignment.
 *  requests, advisors: required. areas: orientation areas that advisors' area lists index,
 *  NULL = no area costs; the handle is only used during the call. travel, weights, rules:
 *  NULL = lm_round_defaults(). A round without requests or advisors is valid (arrays may be
 *  NULL when their n is 0). On success *out is a new handle: free it with lm_round_free().
 *  Errors: LM_ERR_ARGUMENT (NULL required array, bad CSR offsets, n_pairs < -1),
 *  LM_ERR_INVALID_INPUT (naming the id or field: duplicate ids, capacity, caseload, radius,
 *  non-finite coordinates, service or tag or pair indices out of range, travel pairs,
 *  weights), LM_ERR_UNKNOWN_ID (an exclude, current_advisor or area index out of range),
 *  LM_ERR_OVERFLOW, LM_ERR_CANCELLED. */
LIBMATCH_EXPORT lm_status lm_round_run(const lm_requests* requests, const lm_advisors* advisors,
                                       const lm_areas* areas, const lm_travel* travel,
                                       const lm_weights* weights, const lm_rules* rules,
                                       lm_round** out);

/** Releases the handle (NULL is ignored). */
LIBMATCH_EXPORT void lm_round_free(lm_round* round);

/** Totals of a round (units: 1/LM_COST_SCALE point). */
typedef struct lm_round_summary {
  int64_t n_requests;
  int64_t n_advisors;
  int64_t assigned;
  int64_t escalated;
  int64_t objective;       /**< the value the solver minimised (libmatch/match.hpp) */
  int64_t unassigned_base; /**< resolved unassigned base cost */
  int64_t candidate_pairs; /**< eligible pairs handed to the solver */
} lm_round_summary;

LIBMATCH_EXPORT lm_status lm_round_summary_get(const lm_round* round, lm_round_summary* out);

/** Referral codes (libmatch::Referral): a referred request goes elsewhere, a third outcome
 *  next to assigned and escalated. Names via lm_referral_name(). */
enum { LM_REFERRAL_NONE = 0, LM_REFERRAL_OUT_OF_SCOPE = 1, LM_REFERRAL_NOT_IN_MODULE = 2 };

/** "out_of_scope", "not_in_module" ("" for LM_REFERRAL_NONE); LM_ERR_ARGUMENT for an unknown
 *  code. *name: static storage. */
LIBMATCH_EXPORT lm_status lm_referral_name(int32_t code, const char** name);

/** Referrals of a round: *referred (may be NULL) = the number of referred requests (assigned
 *  + escalated + referred = n_requests); referral (n entries, may be NULL) = the
 *  LM_REFERRAL_* code per request, in input order (a referred request has advisor -1 and
 *  reason LM_ESCALATION_NONE in lm_round_requests). n must equal the round's n_requests,
 *  else LM_ERR_ARGUMENT. lm_round_run takes no service catalogue, so its rounds refer
 *  nothing; lm_round_run_programme refers the requests of referral-only services. */
LIBMATCH_EXPORT lm_status lm_round_referrals(const lm_round* round, int64_t n, int64_t* referred,
                                             int32_t* referral);

/** Outcome per request, in input order; each array has n_requests entries (n must equal the
 *  round's n_requests, else LM_ERR_ARGUMENT) and may be NULL when not wanted.
 *  advisor: advisor index or -1 when escalated or referred; reason: LM_ESCALATION_* code;
 *  duplicate_of: for duplicate_request the request kept, else -1; pinned: 1 when it kept its
 *  pinned advisor; cost: total cost of the assignment in units (0 when escalated);
 *  minutes, km: travel to the chosen advisor (0 when escalated). */
LIBMATCH_EXPORT lm_status lm_round_requests(const lm_round* round, int64_t n, int64_t* advisor,
                                            int32_t* reason, int64_t* duplicate_of, uint8_t* pinned,
                                            int64_t* cost, double* minutes, double* km);

/** Per advisor, in input order; arrays of n_advisors entries, each may be NULL. */
LIBMATCH_EXPORT lm_status lm_round_advisors(const lm_round* round, int64_t n, int64_t* assigned,
                                            int64_t* caseload_after, int64_t* load_cost);

/* ---- programme rounds: hours, money, slots (libmatch::Service, RoundInput::budget_eur) ---- */

/** The service catalogue, parallel arrays indexed by service code 0 .. n-1 (every code the
 *  requests and advisors use must be below n). Each array may be NULL for its default. */
typedef struct lm_services {
  int64_t n;
  const double* hours;            /**< effort per case, hours >= 0; default 1 */
  const double* cost_eur;         /**< price per case, EUR >= 0; default 0 */
  const int64_t* max_cases;       /**< slots left for new cases, >= 0; -1 = unlimited (default) */
  const double* budget_eur;       /**< money left for the service, EUR; INFINITY (default) */
  const uint8_t* travel_in_hours; /**< 0/1: the effort includes `visits` round trips */
  const double* visits;           /**< visits per case, >= 0; default 1 */
  const uint8_t* referral_only;   /**< 0/1: requests are referred (LM_REFERRAL_OUT_OF_SCOPE) */
} lm_services;

/** The programme part of a round. Get the defaults (no catalogue, no limits) from
 *  lm_programme_defaults(); every array may be NULL for its default. */
typedef struct lm_programme {
  const lm_services* services;          /**< NULL = no catalogue (one hour per case, free) */
  const double* request_hours;          /**< n_requests: effort of the case; NaN = the service's */
  const double* request_cost_eur;       /**< n_requests: price of the case; NaN = the service's */
  const double* advisor_capacity_hours; /**< n_advisors: hours in total; INFINITY = no limit */
  const double* advisor_hours_booked;   /**< n_advisors: hours of running cases; default 0 */
  double budget_eur;                    /**< money of this round over all services; INFINITY */
  double time_limit_s;                  /**< cap on the exact solve, seconds > 0; INFINITY */
} lm_programme;

/** Fills *programme with the defaults (all arrays NULL, budget and time limit INFINITY). */
LIBMATCH_EXPORT lm_status lm_programme_defaults(lm_programme* programme);

/** lm_round_run with a programme: hours, prices, slots and budgets bind; the solve is exact
 *  (the min-cost flow when every limit is a capacity, else CBC; see libmatch/match.hpp),
 *  capped by time_limit_s. programme NULL = lm_round_run. Errors as lm_round_run, and
 *  LM_ERR_UNKNOWN_ID for a service code outside the catalogue, LM_ERR_INVALID_INPUT for
 *  negative or NaN hours, prices and budgets (naming the field and index or id). */
LIBMATCH_EXPORT lm_status lm_round_run_programme(const lm_requests* requests,
                                                 const lm_advisors* advisors, const lm_areas* areas,
                                                 const lm_travel* travel, const lm_weights* weights,
                                                 const lm_rules* rules,
                                                 const lm_programme* programme, lm_round** out);

/** Solve status of a round (libmatch::SolveStatus). */
enum { LM_SOLVE_OPTIMAL = 0, LM_SOLVE_TIME_LIMIT = 1 };

/** The programme totals of a round: status (LM_SOLVE_*), the proven lower bound on the
 *  objective (units) and the relative gap (0 when optimal), and the money spent (EUR). */
typedef struct lm_round_programme_totals {
  int32_t status;
  double bound;
  double gap;
  double spend_eur;
} lm_round_programme_totals;

LIBMATCH_EXPORT lm_status lm_round_programme_get(const lm_round* round,
                                                 lm_round_programme_totals* out);

/** Per request, in input order (n must equal the round's n_requests; arrays may be NULL):
 *  hours and cost_eur of the assigned case (0 when not assigned); missing_eur: for
 *  LM_ESCALATION_BUDGET_EXHAUSTED the EUR missing to pay the case, else 0. */
LIBMATCH_EXPORT lm_status lm_round_request_effort(const lm_round* round, int64_t n, double* hours,
                                                  double* cost_eur, double* missing_eur);

/** Per advisor, in input order (n must equal the round's n_advisors; arrays may be NULL):
 *  hours booked after the round (hours_booked + the new cases' hours). */
LIBMATCH_EXPORT lm_status lm_round_advisor_hours(const lm_round* round, int64_t n,
                                                 double* hours_after);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LIBMATCH_LIBMATCH_H */
