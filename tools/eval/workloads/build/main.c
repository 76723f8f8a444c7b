/* The "build" workload's program: links every unit and runs them once. */
#include <stdio.h>

#define UNIT(i) double unit##i##_sum(const void *, int); int unit##i##_fill(void *, int);
UNIT(1) UNIT(2) UNIT(3) UNIT(4) UNIT(5) UNIT(6)

int main(void)
{
	static char buf[4096 * 8];
	double s = 0;

	unit1_fill(buf, 64); s += unit1_sum(buf, 64);
	unit2_fill(buf, 64); s += unit2_sum(buf, 64);
	unit3_fill(buf, 64); s += unit3_sum(buf, 64);
	unit4_fill(buf, 64); s += unit4_sum(buf, 64);
	unit5_fill(buf, 64); s += unit5_sum(buf, 64);
	unit6_fill(buf, 64); s += unit6_sum(buf, 64);
	printf("%g\n", s);
	return 0;
}
