;; Elementwise kernels of dfa in WebAssembly SIMD (f32x4), in place on linear memory.
;; Pointers are byte offsets (32-byte aligned); n counts floats and is a multiple of eight: the
;; caller (src/kernels.ts) does the last n mod 8 elements itself.
;; Build: deno task build:wasm (writes src/kernels_wasm.ts); a test checks the two agree.
(module
  (memory (export "memory") 1)

  ;; tanh is the [13/6] rational minimax approximation Eigen uses for float, clamped to ±7.905
  ;; (pmin/pmax: one instruction each on x86; NaN stays NaN). Constants live in locals (V8 keeps
  ;; them in registers), both polynomials are evaluated by Horner's rule in fused multiply-adds
  ;; (the fewest operations: measured 30 % faster than Estrin's scheme here), and two vectors go
  ;; through at a time, so that their dependency chains overlap.

  ;; a ← tanh(a)
  (func (export "tanh") (param $p i32) (param $n i32)
    (local $end i32) (local $u v128) (local $v v128) (local $yu v128) (local $yv v128)
    (local $hi v128) (local $lo v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $hi (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
    (local.set $lo (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
    (local.set $a0 (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))
    (local.set $a1 (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))
    (local.set $a2 (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))
    (local.set $a3 (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))
    (local.set $a4 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))
    (local.set $a5 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))
    (local.set $a6 (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $b0 (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3))
    (local.set $b1 (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))
    (local.set $b2 (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))
    (local.set $b3 (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $u (v128.load (local.get $p)))
        (local.set $v (v128.load offset=16 (local.get $p)))
        (local.set $u (f32x4.pmax (f32x4.pmin (local.get $u) (local.get $hi)) (local.get $lo)))
        (local.set $yu (f32x4.mul (local.get $u) (local.get $u)))
        (local.set $u
          (f32x4.div
            (f32x4.mul (local.get $u)
              (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (local.get $a6) (local.get $a5)) (local.get $a4)) (local.get $a3)) (local.get $a2)) (local.get $a1)) (local.get $a0)))
            (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (local.get $b3) (local.get $b2)) (local.get $b1)) (local.get $b0))))
        (local.set $v (f32x4.pmax (f32x4.pmin (local.get $v) (local.get $hi)) (local.get $lo)))
        (local.set $yv (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $v
          (f32x4.div
            (f32x4.mul (local.get $v)
              (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (local.get $a6) (local.get $a5)) (local.get $a4)) (local.get $a3)) (local.get $a2)) (local.get $a1)) (local.get $a0)))
            (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (local.get $b3) (local.get $b2)) (local.get $b1)) (local.get $b0))))
        (v128.store (local.get $p) (local.get $u))
        (v128.store offset=16 (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  ;; a ← σ(a) = ½ + ½·tanh(a/2)
  (func (export "sigmoid") (param $p i32) (param $n i32)
    (local $end i32) (local $u v128) (local $v v128) (local $yu v128) (local $yv v128)
    (local $hi v128) (local $lo v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $half v128)
    (local.set $hi (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
    (local.set $lo (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
    (local.set $a0 (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))
    (local.set $a1 (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))
    (local.set $a2 (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))
    (local.set $a3 (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))
    (local.set $a4 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))
    (local.set $a5 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))
    (local.set $a6 (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $b0 (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3))
    (local.set $b1 (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))
    (local.set $b2 (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))
    (local.set $b3 (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6))
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $u (f32x4.mul (local.get $half) (v128.load (local.get $p))))
        (local.set $v (f32x4.mul (local.get $half) (v128.load offset=16 (local.get $p))))
        (local.set $u (f32x4.pmax (f32x4.pmin (local.get $u) (local.get $hi)) (local.get $lo)))
        (local.set $yu (f32x4.mul (local.get $u) (local.get $u)))
        (local.set $u
          (f32x4.div
            (f32x4.mul (local.get $u)
              (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (local.get $a6) (local.get $a5)) (local.get $a4)) (local.get $a3)) (local.get $a2)) (local.get $a1)) (local.get $a0)))
            (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (f32x4.relaxed_madd (local.get $yu) (local.get $b3) (local.get $b2)) (local.get $b1)) (local.get $b0))))
        (local.set $v (f32x4.pmax (f32x4.pmin (local.get $v) (local.get $hi)) (local.get $lo)))
        (local.set $yv (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $v
          (f32x4.div
            (f32x4.mul (local.get $v)
              (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (local.get $a6) (local.get $a5)) (local.get $a4)) (local.get $a3)) (local.get $a2)) (local.get $a1)) (local.get $a0)))
            (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (f32x4.relaxed_madd (local.get $yv) (local.get $b3) (local.get $b2)) (local.get $b1)) (local.get $b0))))
        (v128.store (local.get $p) (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $u))))
        (v128.store offset=16 (local.get $p) (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  ;; a ← max(a, 0)
  (func (export "relu") (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))

  ;; g ← g ⊙ (1 − h²)
  (func (export "tanh_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32) (local $one v128) (local $u v128) (local $v v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $u (v128.load (local.get $h)))
        (local.set $v (v128.load offset=16 (local.get $h)))
        (v128.store (local.get $g)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.sub (local.get $one) (f32x4.mul (local.get $u) (local.get $u)))))
        (v128.store offset=16 (local.get $g)
          (f32x4.mul (v128.load offset=16 (local.get $g))
            (f32x4.sub (local.get $one) (f32x4.mul (local.get $v) (local.get $v)))))
        (local.set $h (i32.add (local.get $h) (i32.const 32)))
        (local.set $g (i32.add (local.get $g) (i32.const 32)))
        (br $next))))

  ;; g ← g ⊙ h(1 − h)
  (func (export "sigmoid_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32)
    (local $v v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $v (v128.load (local.get $h)))
        (v128.store (local.get $g)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.mul (local.get $v) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $v)))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))

  ;; g ← g where h > 0, else 0
  (func (export "relu_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (v128.store (local.get $g)
          (v128.and (v128.load (local.get $g))
            (f32x4.gt (v128.load (local.get $h)) (v128.const f32x4 0 0 0 0))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))

  ;; Optimiser steps over n floats (a multiple of four), all buffers in this memory.

  ;; v ← μ·v − lr·g;  w ← w + v
  (func (export "momentum") (param $w i32) (param $g i32) (param $v i32) (param $n i32)
    (param $lr f32) (param $mu f32)
    (local $end i32) (local $lrv v128) (local $muv v128) (local $vv v128)
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $muv (f32x4.splat (local.get $mu)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $vv
          (f32x4.sub (f32x4.mul (local.get $muv) (v128.load (local.get $v)))
            (f32x4.mul (local.get $lrv) (v128.load (local.get $g)))))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $w) (f32x4.add (v128.load (local.get $w)) (local.get $vv)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $next))))

  ;; s ← ρ·s + (1 − ρ)·g²;  w ← w − lr·g / (√s + ε)
  (func (export "rmsprop") (param $w i32) (param $g i32) (param $s i32) (param $n i32)
    (param $lr f32) (param $rho f32) (param $eps f32)
    (local $end i32) (local $lrv v128) (local $rhov v128) (local $crho v128) (local $epsv v128)
    (local $gv v128) (local $sv v128)
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $rhov (f32x4.splat (local.get $rho)))
    (local.set $crho (f32x4.splat (f32.sub (f32.const 1) (local.get $rho))))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (local.set $sv
          (f32x4.add (f32x4.mul (local.get $rhov) (v128.load (local.get $s)))
            (f32x4.mul (local.get $crho) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (local.get $s) (local.get $sv))
        (v128.store (local.get $w)
          (f32x4.sub (v128.load (local.get $w))
            (f32x4.div (f32x4.mul (local.get $lrv) (local.get $gv))
              (f32x4.add (f32x4.sqrt (local.get $sv)) (local.get $epsv)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (br $next))))

  ;; m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  w ← w − a·m / (√v + ε)
  ;; (a is the step size with the bias corrections folded in)
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $a f32) (param $b1 f32) (param $b2 f32) (param $eps f32)
    (local $end i32) (local $av v128) (local $b1v v128) (local $c1 v128) (local $b2v v128)
    (local $c2 v128) (local $epsv v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $b1v (f32x4.splat (local.get $b1)))
    (local.set $c1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $b2v (f32x4.splat (local.get $b2)))
    (local.set $c2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (local.set $mv
          (f32x4.add (f32x4.mul (local.get $b1v) (v128.load (local.get $m)))
            (f32x4.mul (local.get $c1) (local.get $gv))))
        (local.set $vv
          (f32x4.add (f32x4.mul (local.get $b2v) (v128.load (local.get $v)))
            (f32x4.mul (local.get $c2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $w)
          (f32x4.sub (v128.load (local.get $w))
            (f32x4.div (f32x4.mul (local.get $av) (local.get $mv))
              (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $epsv)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $next))))

  ;; 8-bit images: inputs whose every value is k/255 for a byte k (what dividing pixel bytes by 255
  ;; gives) are held as the bytes k, a quarter of the memory traffic, and decoded per batch by an
  ;; IEEE division, which rounds k/255 exactly as the division that made them did.

  ;; dst[i] ← k where src[i] is bit for bit the float k/255 (k an integer in [0, 255]), for n
  ;; floats (n ≥ 0, any n); returns 1 if every value was such a k/255, else 0 (dst then undefined).
  (func (export "encode_u8") (param $src i32) (param $dst i32) (param $n i32) (result i32)
    (local $end i32) (local $body i32) (local $ok v128) (local $one v128) (local $k255 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local $x f32) (local $k f32) (local $fine i32)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $k255 (v128.const f32x4 255 255 255 255))
    (local.set $ok (v128.const i32x4 -1 -1 -1 -1))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $body (i32.sub (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 15)) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $body)))
        (local.set $v0 (v128.load (local.get $src)))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        (local.set $v3 (v128.load offset=48 (local.get $src)))
        (local.set $k0 (f32x4.nearest (f32x4.mul (local.get $v0) (local.get $k255))))
        (local.set $k1 (f32x4.nearest (f32x4.mul (local.get $v1) (local.get $k255))))
        (local.set $k2 (f32x4.nearest (f32x4.mul (local.get $v2) (local.get $k255))))
        (local.set $k3 (f32x4.nearest (f32x4.mul (local.get $v3) (local.get $k255))))
        ;; the same bits back (so not −0), sign bit clear, and at most 1 (so not NaN)
        (local.set $ok (v128.and (local.get $ok) (v128.and
          (v128.and (i32x4.eq (f32x4.div (local.get $k0) (local.get $k255)) (local.get $v0))
                    (i32x4.eq (f32x4.div (local.get $k1) (local.get $k255)) (local.get $v1)))
          (v128.and (i32x4.eq (f32x4.div (local.get $k2) (local.get $k255)) (local.get $v2))
                    (i32x4.eq (f32x4.div (local.get $k3) (local.get $k255)) (local.get $v3))))))
        (local.set $ok (v128.and (local.get $ok) (v128.and
          (v128.and (f32x4.le (local.get $v0) (local.get $one)) (f32x4.le (local.get $v1) (local.get $one)))
          (v128.and (f32x4.le (local.get $v2) (local.get $one)) (f32x4.le (local.get $v3) (local.get $one))))))
        (local.set $ok (v128.andnot (local.get $ok) (i32x4.shr_s
          (v128.or (v128.or (local.get $v0) (local.get $v1)) (v128.or (local.get $v2) (local.get $v3)))
          (i32.const 31))))
        (v128.store (local.get $dst)
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_u (i32x4.trunc_sat_f32x4_u (local.get $k0)) (i32x4.trunc_sat_f32x4_u (local.get $k1)))
            (i16x8.narrow_i32x4_u (i32x4.trunc_sat_f32x4_u (local.get $k2)) (i32x4.trunc_sat_f32x4_u (local.get $k3)))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next)))
    (local.set $fine (i32x4.all_true (local.get $ok)))
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $x (f32.load (local.get $src)))
        (local.set $k (f32.nearest (f32.mul (local.get $x) (f32.const 255))))
        (local.set $fine (i32.and (local.get $fine) (i32.and
          (i32.eq (i32.reinterpret_f32 (f32.div (local.get $k) (f32.const 255))) (i32.reinterpret_f32 (local.get $x)))
          (i32.and (f32.le (local.get $x) (f32.const 1)) (i32.ge_s (i32.reinterpret_f32 (local.get $x)) (i32.const 0))))))
        (i32.store8 (local.get $dst) (i32.trunc_sat_f32_u (local.get $k)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $tnext)))
    (local.get $fine))

  ;; For each of `rows` row indices at $order (u32), decodes that row of f bytes of $codes into
  ;; f floats k/255 at $out, rows one after another.
  (func (export "gather_u8") (param $codes i32) (param $f i32) (param $order i32) (param $rows i32) (param $out i32)
    (local $src i32) (local $end i32) (local $body i32) (local $last i32) (local $v v128) (local $w v128) (local $k255 v128)
    (local.set $k255 (v128.const f32x4 255 255 255 255))
    (local.set $last (i32.add (local.get $order) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $order) (local.get $last)))
        (local.set $src (i32.add (local.get $codes) (i32.mul (i32.load (local.get $order)) (local.get $f))))
        (local.set $end (i32.add (local.get $src) (local.get $f)))
        (local.set $body (i32.sub (local.get $end) (i32.and (local.get $f) (i32.const 15))))
        (block $bdone
          (loop $bytes
            (br_if $bdone (i32.ge_u (local.get $src) (local.get $body)))
            (local.set $v (v128.load (local.get $src)))
            (local.set $w (i16x8.extend_low_i8x16_u (local.get $v)))
            (v128.store (local.get $out)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $w))) (local.get $k255)))
            (v128.store offset=16 (local.get $out)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $w))) (local.get $k255)))
            (local.set $w (i16x8.extend_high_i8x16_u (local.get $v)))
            (v128.store offset=32 (local.get $out)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $w))) (local.get $k255)))
            (v128.store offset=48 (local.get $out)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $w))) (local.get $k255)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 64)))
            (br $bytes)))
        (block $tdone
          (loop $tail
            (br_if $tdone (i32.ge_u (local.get $src) (local.get $end)))
            (f32.store (local.get $out)
              (f32.div (f32.convert_i32_u (i32.load8_u (local.get $src))) (f32.const 255)))
            (local.set $src (i32.add (local.get $src) (i32.const 1)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (br $tail)))
        (local.set $order (i32.add (local.get $order) (i32.const 4)))
        (br $row))))

  ;; For each of `rows` row indices at $order (u32), copies that row of $bytes bytes of $src to
  ;; $out, rows one after another: a batch of float rows in shuffled order.
  (func (export "gather_rows") (param $src i32) (param $bytes i32) (param $order i32) (param $rows i32) (param $out i32)
    (local $last i32)
    (local.set $last (i32.add (local.get $order) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $order) (local.get $last)))
        (memory.copy (local.get $out)
          (i32.add (local.get $src) (i32.mul (i32.load (local.get $order)) (local.get $bytes)))
          (local.get $bytes))
        (local.set $out (i32.add (local.get $out) (local.get $bytes)))
        (local.set $order (i32.add (local.get $order) (i32.const 4)))
        (br $row))))

  ;; ---- Spatial kernels: im2col/col2im, channel reordering, bias sums, max pooling. ----
  ;; Pointers are byte offsets at any 4-byte alignment (v128 loads and stores may be unaligned);
  ;; sizes count floats. Each has a scalar twin in src/kernels/spatial_kernels.ts, which tests
  ;; compare them with.

  ;; n floats from $src, $s floats apart, to $dst one after another. When s = 1 and n ≥ 4: four at a
  ;; time, the last four copied by one more (overlapping) vector instead of a loop of leftovers,
  ;; whose varying length the branch predictor would miss (the buffers never overlap).
  (func $gather (param $dst i32) (param $src i32) (param $n i32) (param $s i32)
    (local $end i32) (local $last i32) (local $step i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.and (i32.eq (local.get $s) (i32.const 1)) (i32.ge_u (local.get $n) (i32.const 4)))
      (then
        (local.set $last (i32.sub (local.get $end) (i32.const 16)))
        (v128.store (local.get $last)
          (v128.load (i32.add (local.get $src) (i32.sub (local.get $last) (local.get $dst)))))
        (block $bdone
          (loop $body4
            (br_if $bdone (i32.ge_u (local.get $dst) (local.get $last)))
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $body4)))
        (return)))
    (local.set $step (i32.shl (local.get $s) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (br $one))))

  ;; n floats of $dst ← 0, by stores: a row's short margins, where a memory.fill call would cost
  ;; more than the stores.
  (func $zero (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $bdone
      (loop $body4
        (br_if $bdone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $body4)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $one))))

  ;; $dst[m·s] += $src[m] for m < n (four at a time when s = 1; the leftovers one by one: a vector
  ;; over the last four, masked, was twice as slow, its load waiting on the store it overlaps).
  (func $scatter_add (param $dst i32) (param $src i32) (param $n i32) (param $s i32)
    (local $end i32) (local $body i32) (local $step i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.eq (local.get $s) (i32.const 1))
      (then
        (local.set $body (i32.sub (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
        (block $bdone
          (loop $body4
            (br_if $bdone (i32.ge_u (local.get $src) (local.get $body)))
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $body4)))))
    (local.set $step (i32.shl (local.get $s) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (local.get $step)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $one))))

  ;; The outputs ox whose input column ox·s − p + j lies inside a row of W: [lo, hi), packed as
  ;; lo | hi << 16 (hi ≥ lo).
  (func $span (param $j i32) (param $W i32) (param $Wo i32) (param $s i32) (param $p i32) (result i32)
    (local $lo i32) (local $hi i32) (local $t i32)
    (local.set $t (i32.sub (local.get $p) (local.get $j)))
    (if (i32.gt_s (local.get $t) (i32.const 0))
      (then (local.set $lo (i32.div_u (i32.add (local.get $t) (i32.sub (local.get $s) (i32.const 1))) (local.get $s)))))
    (local.set $t (i32.sub (i32.add (local.get $W) (i32.sub (local.get $p) (local.get $j))) (i32.const 1)))
    (if (i32.ge_s (local.get $t) (i32.const 0))
      (then (local.set $hi (i32.add (i32.div_u (local.get $t) (local.get $s)) (i32.const 1)))))
    (if (i32.gt_s (local.get $hi) (local.get $Wo)) (then (local.set $hi (local.get $Wo))))
    (if (i32.gt_s (local.get $lo) (local.get $hi)) (then (local.set $hi (local.get $lo))))
    (i32.or (local.get $lo) (i32.shl (local.get $hi) (i32.const 16))))

  ;; Patches to columns: cols (C·k·k, B·Ho·Wo) from x (B, C, H, W), zero outside the image. The
  ;; columns are written in order, row (c, i, j), sample b, output row oy.
  (func (export "im2col") (param $x i32) (param $cols i32) (param $B i32) (param $C i32) (param $H i32)
    (param $W i32) (param $Ho i32) (param $Wo i32) (param $k i32) (param $s i32) (param $p i32)
    (local $c i32) (local $i i32) (local $j i32) (local $b i32) (local $oy i32) (local $iy i32)
    (local $lo i32) (local $hi i32) (local $span i32) (local $img i32) (local $lineBytes i32)
    (local.set $lineBytes (i32.shl (local.get $Wo) (i32.const 2)))
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $i (i32.const 0))
      (loop $il
        (local.set $j (i32.const 0))
        (loop $jl
          (local.set $span (call $span (local.get $j) (local.get $W) (local.get $Wo) (local.get $s) (local.get $p)))
          (local.set $lo (i32.and (local.get $span) (i32.const 0xffff)))
          (local.set $hi (i32.shr_u (local.get $span) (i32.const 16)))
          (local.set $b (i32.const 0))
          (loop $bl
            (local.set $img (i32.add (local.get $x) (i32.shl
              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $C)) (local.get $c)) (i32.mul (local.get $H) (local.get $W)))
              (i32.const 2))))
            (local.set $oy (i32.const 0))
            (loop $yl
              (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $p)) (local.get $i)))
              (if (i32.or (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $H)))
                    (i32.eq (local.get $lo) (local.get $hi)))
                (then (call $zero (local.get $cols) (local.get $Wo)))
                (else
                  (if (local.get $lo) (then (call $zero (local.get $cols) (local.get $lo))))
                  (call $gather
                    (i32.add (local.get $cols) (i32.shl (local.get $lo) (i32.const 2)))
                    (i32.add (local.get $img) (i32.shl (i32.add
                      (i32.sub (i32.mul (local.get $iy) (local.get $W)) (local.get $p))
                      (i32.add (local.get $j) (i32.mul (local.get $lo) (local.get $s)))) (i32.const 2)))
                    (i32.sub (local.get $hi) (local.get $lo))
                    (local.get $s))
                  (if (i32.lt_s (local.get $hi) (local.get $Wo))
                    (then (call $zero (i32.add (local.get $cols) (i32.shl (local.get $hi) (i32.const 2)))
                      (i32.sub (local.get $Wo) (local.get $hi)))))))
              (local.set $cols (i32.add (local.get $cols) (local.get $lineBytes)))
              (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
            (br_if $bl (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $B))))
          (br_if $jl (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $k))))
        (br_if $il (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

  ;; The adjoint of im2col: x (B, C, H, W) ← 0, then each column entry added to its pixel.
  (func (export "col2im") (param $cols i32) (param $x i32) (param $B i32) (param $C i32) (param $H i32)
    (param $W i32) (param $Ho i32) (param $Wo i32) (param $k i32) (param $s i32) (param $p i32)
    (local $c i32) (local $i i32) (local $j i32) (local $b i32) (local $oy i32) (local $iy i32)
    (local $lo i32) (local $hi i32) (local $span i32) (local $img i32) (local $lineBytes i32)
    (memory.fill (local.get $x) (i32.const 0)
      (i32.shl (i32.mul (i32.mul (local.get $B) (local.get $C)) (i32.mul (local.get $H) (local.get $W))) (i32.const 2)))
    (local.set $lineBytes (i32.shl (local.get $Wo) (i32.const 2)))
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $i (i32.const 0))
      (loop $il
        (local.set $j (i32.const 0))
        (loop $jl
          (local.set $span (call $span (local.get $j) (local.get $W) (local.get $Wo) (local.get $s) (local.get $p)))
          (local.set $lo (i32.and (local.get $span) (i32.const 0xffff)))
          (local.set $hi (i32.shr_u (local.get $span) (i32.const 16)))
          (local.set $b (i32.const 0))
          (loop $bl
            (local.set $img (i32.add (local.get $x) (i32.shl
              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $C)) (local.get $c)) (i32.mul (local.get $H) (local.get $W)))
              (i32.const 2))))
            (local.set $oy (i32.const 0))
            (loop $yl
              (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $p)) (local.get $i)))
              (if (i32.and (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $H)))
                    (i32.lt_s (local.get $lo) (local.get $hi)))
                (then
                  (call $scatter_add
                    (i32.add (local.get $img) (i32.shl (i32.add
                      (i32.sub (i32.mul (local.get $iy) (local.get $W)) (local.get $p))
                      (i32.add (local.get $j) (i32.mul (local.get $lo) (local.get $s)))) (i32.const 2)))
                    (i32.add (local.get $cols) (i32.shl (local.get $lo) (i32.const 2)))
                    (i32.sub (local.get $hi) (local.get $lo))
                    (local.get $s))))
              (local.set $cols (i32.add (local.get $cols) (local.get $lineBytes)))
              (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
            (br_if $bl (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $B))))
          (br_if $jl (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $k))))
        (br_if $il (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

  ;; Channel-major to batch-major plus a bias per channel: a (B, K, P) ← t (K, B, P) + bias (K).
  (func (export "to_batch_major") (param $t i32) (param $a i32) (param $bias i32) (param $K i32) (param $B i32) (param $P i32)
    (local $c i32) (local $b i32) (local $dst i32) (local $end i32) (local $body i32) (local $v v128) (local $f f32)
    (local.set $c (i32.const 0))
    (loop $cl
      (local.set $f (f32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $v (f32x4.splat (local.get $f)))
      (local.set $b (i32.const 0))
      (loop $bl
        (local.set $dst (i32.add (local.get $a) (i32.shl
          (i32.mul (i32.add (i32.mul (local.get $b) (local.get $K)) (local.get $c)) (local.get $P)) (i32.const 2))))
        (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $P) (i32.const 2))))
        (local.set $body (i32.sub (local.get $end) (i32.shl (i32.and (local.get $P) (i32.const 3)) (i32.const 2))))
        (block $bdone
          (loop $body4
            (br_if $bdone (i32.ge_u (local.get $dst) (local.get $body)))
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $t)) (local.get $v)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $body4)))
        (block $done
          (loop $one
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (f32.store (local.get $dst) (f32.add (f32.load (local.get $t)) (local.get $f)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $one)))
        (br_if $bl (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $B))))
      (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $K)))))

  ;; Batch-major to channel-major: t (K, B, P) ← d (B, K, P).
  (func (export "to_channel_major") (param $d i32) (param $t i32) (param $K i32) (param $B i32) (param $P i32)
    (local $b i32) (local $c i32)
    (local.set $b (i32.const 0))
    (loop $bl
      (local.set $c (i32.const 0))
      (loop $cl
        (call $gather
          (i32.add (local.get $t) (i32.shl
            (i32.mul (i32.add (i32.mul (local.get $c) (local.get $B)) (local.get $b)) (local.get $P)) (i32.const 2)))
          (local.get $d) (local.get $P) (i32.const 1))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $P) (i32.const 2))))
        (br_if $cl (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $K))))
      (br_if $bl (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $B)))))

  ;; out[r] = scale · Σ of row r of m (rows, n): a convolution's bias gradient.
  (func (export "row_sums") (param $m i32) (param $out i32) (param $rows i32) (param $n i32) (param $scale f32)
    (local $end i32) (local $body i32) (local $acc v128) (local $sum f32) (local $r i32)
    (local.set $r (i32.const 0))
    (loop $rl
      (local.set $end (i32.add (local.get $m) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $body (i32.sub (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (block $bdone
        (loop $body4
          (br_if $bdone (i32.ge_u (local.get $m) (local.get $body)))
          (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $m))))
          (local.set $m (i32.add (local.get $m) (i32.const 16)))
          (br $body4)))
      (local.set $sum (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $done
        (loop $one
          (br_if $done (i32.ge_u (local.get $m) (local.get $end)))
          (local.set $sum (f32.add (local.get $sum) (f32.load (local.get $m))))
          (local.set $m (i32.add (local.get $m) (i32.const 4)))
          (br $one)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
        (f32.mul (local.get $scale) (local.get $sum)))
      (br_if $rl (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; Max pooling of BC planes H×W into Ho×Wo, k×k windows, stride s: a ← the window's maximum,
  ;; win ← its index (floats from x; the first of equal maxima).
  (func (export "maxpool") (param $x i32) (param $a i32) (param $win i32) (param $BC i32) (param $H i32)
    (param $W i32) (param $Ho i32) (param $Wo i32) (param $k i32) (param $s i32)
    (local $bc i32) (local $oy i32) (local $ox i32) (local $i i32) (local $j i32)
    (local $first i32) (local $at i32) (local $best i32) (local $bv f32) (local $v f32)
    (local.set $bc (i32.const 0))
    (loop $pl
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $first (i32.add
            (i32.mul (local.get $bc) (i32.mul (local.get $H) (local.get $W)))
            (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $s)) (local.get $W)) (i32.mul (local.get $ox) (local.get $s)))))
          (local.set $best (local.get $first))
          (local.set $bv (f32.load (i32.add (local.get $x) (i32.shl (local.get $first) (i32.const 2)))))
          (local.set $i (i32.const 0))
          (loop $il
            (local.set $j (i32.const 0))
            (loop $jl
              (local.set $at (i32.add (local.get $first) (i32.add (i32.mul (local.get $i) (local.get $W)) (local.get $j))))
              (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $at) (i32.const 2)))))
              ;; branch-free: which input wins is data, not a pattern a predictor learns
              (local.set $best (select (local.get $at) (local.get $best) (f32.gt (local.get $v) (local.get $bv))))
              (local.set $bv (select (local.get $v) (local.get $bv) (f32.gt (local.get $v) (local.get $bv))))
              (br_if $jl (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $k))))
            (br_if $il (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
          (f32.store (local.get $a) (local.get $bv))
          (i32.store (local.get $win) (local.get $best))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (local.set $win (i32.add (local.get $win) (i32.const 4)))
          (br_if $xl (i32.lt_s (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $Wo))))
        (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
      (br_if $pl (i32.lt_s (local.tee $bc (i32.add (local.get $bc) (i32.const 1))) (local.get $BC)))))

  ;; Max pooling's backward pass: out (inputs floats) ← 0, then out[win[o]] += d[o] for o < n.
  (func (export "maxpool_back") (param $d i32) (param $out i32) (param $win i32) (param $n i32) (param $inputs i32)
    (local $end i32) (local $at i32)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $inputs) (i32.const 2)))
    (local.set $end (i32.add (local.get $d) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $at (i32.add (local.get $out) (i32.shl (i32.load (local.get $win)) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $d))))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $win (i32.add (local.get $win) (i32.const 4)))
        (br $one))))

  ;; maxpool for 2×2 windows at stride 2, four outputs at a time: each row's even and odd columns
  ;; are split apart by shuffles, the row's winner taken (the left on ties), then the upper row's
  ;; unless the lower one is greater: the first of equal maxima in scan order, as maxpool.
  (func (export "maxpool2") (param $x i32) (param $a i32) (param $win i32) (param $BC i32) (param $H i32)
    (param $W i32) (param $Ho i32) (param $Wo i32)
    (local $bc i32) (local $oy i32) (local $ox i32) (local $row i32) (local $r0 i32) (local $r1 i32)
    (local $p v128) (local $q v128) (local $e v128) (local $o v128) (local $top v128) (local $topOdd v128)
    (local $bot v128) (local $botOdd v128) (local $down v128) (local $Wv v128) (local $one v128)
    (local $fa f32) (local $fb f32) (local $ft f32) (local $fd f32) (local $it i32) (local $id i32) (local $vec i32)
    (local.set $Wv (i32x4.splat (local.get $W)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $vec (i32.and (local.get $Wo) (i32.const -4)))
    (local.set $bc (i32.const 0))
    (loop $pl
      (local.set $oy (i32.const 0))
      (loop $yl
        ;; $row: the float index of the window row's first input; $r0, $r1 its two rows' addresses
        (local.set $row (i32.mul (i32.add (i32.mul (local.get $bc) (local.get $H)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $W)))
        (local.set $r0 (i32.add (local.get $x) (i32.shl (local.get $row) (i32.const 2))))
        (local.set $r1 (i32.add (local.get $r0) (i32.shl (local.get $W) (i32.const 2))))
        (local.set $ox (i32.const 0))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_s (local.get $ox) (local.get $vec)))
            (local.set $p (v128.load (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $q (v128.load offset=16 (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $e (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $p) (local.get $q)))
            (local.set $o (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $p) (local.get $q)))
            (local.set $topOdd (f32x4.gt (local.get $o) (local.get $e)))
            (local.set $top (v128.bitselect (local.get $o) (local.get $e) (local.get $topOdd)))
            (local.set $p (v128.load (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $q (v128.load offset=16 (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $e (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $p) (local.get $q)))
            (local.set $o (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $p) (local.get $q)))
            (local.set $botOdd (f32x4.gt (local.get $o) (local.get $e)))
            (local.set $bot (v128.bitselect (local.get $o) (local.get $e) (local.get $botOdd)))
            (local.set $down (f32x4.gt (local.get $bot) (local.get $top)))
            (v128.store (local.get $a) (v128.bitselect (local.get $bot) (local.get $top) (local.get $down)))
            ;; index: row + 2·ox + (0, 2, 4, 6) + W if the lower row won + 1 if the odd column did
            (v128.store (local.get $win)
              (i32x4.add
                (i32x4.add (i32x4.splat (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 1))))
                  (v128.const i32x4 0 2 4 6))
                (i32x4.add (v128.and (local.get $down) (local.get $Wv))
                  (v128.and (v128.bitselect (local.get $botOdd) (local.get $topOdd) (local.get $down)) (local.get $one)))))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $win (i32.add (local.get $win) (i32.const 16)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
            (br $vl)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $ox) (local.get $Wo)))
            (local.set $fa (f32.load (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $fb (f32.load offset=4 (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $it (f32.gt (local.get $fb) (local.get $fa)))
            (local.set $ft (select (local.get $fb) (local.get $fa) (local.get $it)))
            (local.set $fa (f32.load (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $fb (f32.load offset=4 (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))))
            (local.set $id (f32.gt (local.get $fb) (local.get $fa)))
            (local.set $fd (select (local.get $fb) (local.get $fa) (local.get $id)))
            (if (f32.gt (local.get $fd) (local.get $ft))
              (then (local.set $ft (local.get $fd)) (local.set $it (i32.add (local.get $id) (local.get $W)))))
            (f32.store (local.get $a) (local.get $ft))
            (i32.store (local.get $win) (i32.add (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 1))) (local.get $it)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (local.set $win (i32.add (local.get $win) (i32.const 4)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
            (br $sl)))
        (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
      (br_if $pl (i32.lt_s (local.tee $bc (i32.add (local.get $bc) (i32.const 1))) (local.get $BC)))))

  ;; maxpool2's backward pass, four windows at a time: every input of a 2×2 window written once,
  ;; δ where the window's winner was and 0 elsewhere (the windows tile the input: no fill first).
  (func (export "maxpool2_back") (param $d i32) (param $out i32) (param $win i32) (param $BC i32) (param $H i32)
    (param $W i32) (param $Ho i32) (param $Wo i32)
    (local $bc i32) (local $oy i32) (local $ox i32) (local $row i32) (local $r0 i32) (local $r1 i32) (local $vec i32)
    (local $base v128) (local $w v128) (local $v v128) (local $a v128) (local $b v128) (local $Wv v128) (local $one v128)
    (local $at i32) (local $f f32) (local $top i32)
    (local.set $Wv (i32x4.splat (local.get $W)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $vec (i32.and (local.get $Wo) (i32.const -4)))
    (local.set $bc (i32.const 0))
    (loop $pl
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $row (i32.mul (i32.add (i32.mul (local.get $bc) (local.get $H)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $W)))
        (local.set $r0 (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2))))
        (local.set $r1 (i32.add (local.get $r0) (i32.shl (local.get $W) (i32.const 2))))
        (local.set $ox (i32.const 0))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_s (local.get $ox) (local.get $vec)))
            (local.set $v (v128.load (local.get $d)))
            (local.set $w (v128.load (local.get $win)))
            (local.set $base (i32x4.add (i32x4.splat (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 1))))
              (v128.const i32x4 0 2 4 6)))
            ;; upper row: (left, right) of each window, interleaved
            (local.set $a (v128.and (local.get $v) (i32x4.eq (local.get $w) (local.get $base))))
            (local.set $b (v128.and (local.get $v) (i32x4.eq (local.get $w) (i32x4.add (local.get $base) (local.get $one)))))
            (v128.store (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (v128.store offset=16 (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            ;; lower row
            (local.set $base (i32x4.add (local.get $base) (local.get $Wv)))
            (local.set $a (v128.and (local.get $v) (i32x4.eq (local.get $w) (local.get $base))))
            (local.set $b (v128.and (local.get $v) (i32x4.eq (local.get $w) (i32x4.add (local.get $base) (local.get $one)))))
            (v128.store (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (v128.store offset=16 (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $win (i32.add (local.get $win) (i32.const 16)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
            (br $vl)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $ox) (local.get $Wo)))
            (local.set $f (f32.load (local.get $d)))
            ;; the winner's offset in its window: 0, 1, W or W + 1
            (local.set $at (i32.sub (i32.load (local.get $win)) (i32.add (local.get $row) (i32.shl (local.get $ox) (i32.const 1)))))
            (local.set $top (i32.add (local.get $r0) (i32.shl (local.get $ox) (i32.const 3))))
            (f32.store (local.get $top) (select (local.get $f) (f32.const 0) (i32.eqz (local.get $at))))
            (f32.store offset=4 (local.get $top) (select (local.get $f) (f32.const 0) (i32.eq (local.get $at) (i32.const 1))))
            (local.set $top (i32.add (local.get $r1) (i32.shl (local.get $ox) (i32.const 3))))
            (f32.store (local.get $top) (select (local.get $f) (f32.const 0) (i32.eq (local.get $at) (local.get $W))))
            (f32.store offset=4 (local.get $top)
              (select (local.get $f) (f32.const 0) (i32.eq (local.get $at) (i32.add (local.get $W) (i32.const 1)))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (local.set $win (i32.add (local.get $win) (i32.const 4)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
            (br $sl)))
        (br_if $yl (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
      (br_if $pl (i32.lt_s (local.tee $bc (i32.add (local.get $bc) (i32.const 1))) (local.get $BC)))))
)
