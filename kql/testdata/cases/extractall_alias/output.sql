SELECT * FROM (SELECT to_json(CASE WHEN len(regexp_extract_all('a1b22c333', '(\d+)', 1)) = 0 THEN NULL ELSE regexp_extract_all('a1b22c333', '(\d+)', 1) END) AS "m") AS _t1
