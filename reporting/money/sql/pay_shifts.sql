-- Block pay per shift of the period (docs/invoicing-and-pay.md; rules in pay.py's docstring): paid
-- minutes (end - start - unpaid break); for care shifts the contact minutes of the attendances whose
-- check-in falls inside the shift (those with a check-out) and the travel between consecutive ones
-- (haversine x 1.3 at the worker's mode speed, whole minutes half up) with the car kilometres;
-- training and meeting shifts are all training or meeting.
WITH sh AS (
    SELECT s.id, s.ref, s.worker_id, s.start, s."end", s.kind,
           EXTRACT(EPOCH FROM (s."end" - s.start)) / 60 - s.unpaid_break_minutes AS paid_min
    FROM rota_shift s
    JOIN workforce_worker w ON w.id = s.worker_id
    LEFT JOIN workforce_team t ON t.id = w.team_id
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(start_ts)s AND s.start < %(end_ts)s
      AND (%(neighbourhood_id)s::bigint IS NULL OR t.neighbourhood_id = %(neighbourhood_id)s::bigint)
),
-- Attendances belong to the care shift whose span holds their check-in.
att AS (
    SELECT sh.id AS shift_id, sh.worker_id, a.check_in, a.check_out, pe.home_lat, pe.home_lon,
           lag(pe.home_lat) OVER win AS prev_lat, lag(pe.home_lon) OVER win AS prev_lon
    FROM sh
    JOIN rota_attendance a ON a.worker_id = sh.worker_id AND a.check_in >= sh.start AND a.check_in < sh."end"
    JOIN rota_visit v ON v.id = a.visit_id
    JOIN outcomes_person pe ON pe.id = v.person_id
    WHERE sh.kind = 'care'
    WINDOW win AS (PARTITION BY sh.id ORDER BY a.check_in, a.id)
),
legs AS (
    SELECT att.shift_id, w.travel_mode, d.km,
           floor(d.km / CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15 WHEN 'car' THEN 30 END * 60 + 0.5)::numeric AS minutes
    FROM att
    JOIN workforce_worker w ON w.id = att.worker_id
    CROSS JOIN LATERAL (
        SELECT 2 * 6371 * asin(sqrt(
                   power(sin(radians(att.home_lat - att.prev_lat) / 2), 2)
                   + cos(radians(att.prev_lat)) * cos(radians(att.home_lat))
                     * power(sin(radians(att.home_lon - att.prev_lon) / 2), 2))) * 1.3 AS km
    ) d
    WHERE att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL
),
contact AS (
    SELECT shift_id, SUM(EXTRACT(EPOCH FROM (check_out - check_in)) / 60) AS minutes
    FROM att WHERE check_out IS NOT NULL GROUP BY shift_id
),
travel AS (
    SELECT shift_id, SUM(minutes) AS minutes,
           SUM(CASE WHEN travel_mode = 'car' THEN km ELSE 0 END) AS car_km
    FROM legs GROUP BY shift_id
)
SELECT sh.id AS shift_id, sh.ref AS shift, sh.worker_id, sh.start, sh."end", sh.kind,
       sh.paid_min,
       COALESCE(contact.minutes, 0) AS contact_min,
       COALESCE(travel.minutes, 0) AS travel_min,
       CASE WHEN sh.kind = 'training' THEN sh.paid_min ELSE 0 END AS training_min,
       CASE WHEN sh.kind = 'meeting' THEN sh.paid_min ELSE 0 END AS meeting_min,
       COALESCE(travel.car_km, 0)::numeric AS car_km
FROM sh
LEFT JOIN contact ON contact.shift_id = sh.id
LEFT JOIN travel ON travel.shift_id = sh.id
