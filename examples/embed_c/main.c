/* Reads municipalities, locates points, runs a small matching round and checks an error,
 * all through libmatch's C ABI. Usage: embed_libmatch_c <municipalities.geojson> */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libmatch/libmatch.h"

#define CHECK(call)                                                                             \
  do {                                                                                          \
    lm_status status_ = (call);                                                                 \
    if (status_ != LM_OK) {                                                                     \
      fprintf(stderr, "%s failed: %s (%s)\n", #call, lm_status_name(status_), lm_last_error()); \
      return 1;                                                                                 \
    }                                                                                           \
  } while (0)

static int run_round(void) {
  /* Two advisors of service 0 (east with expertise tag 1) and three requests; r3 needs tag 1
   * and is urgent (priority 2), so it is worth more than r2's shorter trip. */
  const char* req_ids[3] = {"r1", "r2", "r3"};
  const double rx[3] = {1000, 9000, 5000}, ry[3] = {0, 0, 0};
  const int32_t rservice[3] = {0, 0, 0};
  const int64_t priority[3] = {0, 0, 2};
  const int64_t needs_offset[4] = {0, 0, 0, 1};
  const int32_t needs[1] = {1};
  const char* adv_ids[2] = {"west", "east"};
  const double ax[2] = {0, 10000}, ay[2] = {0, 0};
  const int32_t aservice[2] = {0, 0};
  const int64_t capacity[2] = {2, 1};
  const int64_t expertise_offset[3] = {0, 0, 1};
  const int32_t expertise[1] = {1};
  lm_requests requests;
  lm_advisors advisors;
  lm_round* round = NULL;
  lm_round_summary summary;
  int64_t advisor[3];
  int32_t reason[3];
  const char* name = NULL;
  int i;

  memset(&requests, 0, sizeof requests); /* NULL optional arrays = defaults */
  requests.n = 3;
  requests.id = req_ids;
  requests.x = rx;
  requests.y = ry;
  requests.service = rservice;
  requests.priority = priority;
  requests.needs_offset = needs_offset;
  requests.needs = needs;
  memset(&advisors, 0, sizeof advisors);
  advisors.n = 2;
  advisors.id = adv_ids;
  advisors.x = ax;
  advisors.y = ay;
  advisors.service = aservice;
  advisors.capacity = capacity;
  advisors.expertise_offset = expertise_offset;
  advisors.expertise = expertise;

  CHECK(lm_round_run(&requests, &advisors, NULL, NULL, NULL, NULL, &round));
  CHECK(lm_round_summary_get(round, &summary));
  CHECK(lm_round_requests(round, 3, advisor, reason, NULL, NULL, NULL, NULL, NULL));
  for (i = 0; i < 3; ++i) {
    CHECK(lm_escalation_name(reason[i], &name));
    printf("request %s: advisor %s%s%s\n", req_ids[i], advisor[i] < 0 ? "-" : adv_ids[advisor[i]],
           *name ? ", escalated: " : "", name);
  }
  printf("objective %lld (1/%d point)\n", (long long)summary.objective, LM_COST_SCALE);
  lm_round_free(round);
  /* Only east has tag 1 and room for one: r3 goes east, r2 west with r1. */
  if (advisor[0] != 0 || advisor[1] != 0 || advisor[2] != 1 || summary.assigned != 3) {
    fprintf(stderr, "unexpected assignment\n");
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  lm_areas* areas = NULL;
  int64_t n = 0, where[3], missing = 0;
  double xy[6];
  const char* id = NULL;
  const char* version = NULL;
  lm_status status;
  if (argc != 2) {
    fprintf(stderr, "usage: %s <municipalities.geojson>\n", argv[0]);
    return 2;
  }
  CHECK(lm_version(NULL, NULL, NULL, &version));
  printf("libmatch %s (headers %s)\n", version, LIBMATCH_VERSION_STRING);

  CHECK(lm_areas_read(argv[1], "id", NULL, NULL, NULL, &areas));
  CHECK(lm_areas_size(areas, &n));
  CHECK(lm_areas_id(areas, 0, &id));
  printf("%lld municipalities, the first is %s\n", (long long)n, id);
  /* A point in the first municipality (its nearest point at distance 0), one far away, NaN. */
  {
    double probe[2] = {0, 0}, distance = 0;
    int64_t nearest = -1, index0 = -1;
    CHECK(lm_areas_index_of(areas, id, &index0));
    /* Walk a coarse grid until a point lands in area 0. */
    for (probe[0] = 0; probe[0] < 300000 && nearest != index0; probe[0] += 500)
      for (probe[1] = 300000; probe[1] < 620000; probe[1] += 500) {
        CHECK(lm_areas_locate(areas, probe, 1, &nearest, 1));
        if (nearest == index0) break;
      }
    if (nearest != index0) {
      fprintf(stderr, "no grid point in %s\n", id);
      return 1;
    }
    CHECK(lm_areas_nearest(areas, probe, 1, INFINITY, &nearest, &distance, 1));
    xy[0] = probe[0];
    xy[1] = probe[1];
    if (nearest != index0 || distance != 0) return 1;
  }
  xy[2] = -1e7;
  xy[3] = -1e7;
  xy[4] = NAN;
  xy[5] = 0;
  CHECK(lm_areas_locate(areas, xy, 3, where, 0));
  printf("located: %lld %lld %lld\n", (long long)where[0], (long long)where[1],
         (long long)where[2]);
  if (where[0] != 0 || where[1] != -1 || where[2] != -1) return 1;

  /* An error path: an unknown id gives its own status and a message naming the id. */
  status = lm_areas_index_of(areas, "no-such-municipality", &missing);
  if (status != LM_ERR_UNKNOWN_ID || !strstr(lm_last_error(), "no-such-municipality")) {
    fprintf(stderr, "expected unknown_id, got %s\n", lm_status_name(status));
    return 1;
  }
  printf("error as expected: %s: %s\n", lm_status_name(status), lm_last_error());
  lm_areas_free(areas);
  return run_round();
}
