SELECT * FROM (SELECT CAST((date_part('microseconds', TIMESTAMP '2017-10-30 01:02:03.765432') % 1000000) * 1000 AS BIGINT) AS "nanosecond") AS _t1
